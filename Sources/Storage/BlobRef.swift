/// What a record needs to read a blob back without another lookup: id, size, layout and hash.
public struct BlobRef: Hashable, Sendable {
    public let id: BlobID
    public let size: Int
    public let chunkSize: Int
    public let sha256: [UInt8]

    public init(id: BlobID, size: Int, chunkSize: Int, sha256: [UInt8]) {
        self.id = id
        self.size = size
        self.chunkSize = chunkSize
        self.sha256 = sha256
    }

    public var chunkCount: Int { size == 0 ? 0 : (size + chunkSize - 1) / chunkSize }

    public var sha256Hex: String { Hex.encode(sha256) }

    public func encode(into writer: inout ByteWriter) {
        writer.write(bytes: id.bytes)
        writer.write(UInt64(size))
        writer.write(UInt32(chunkSize))
        writer.write(bytes: sha256)
    }

    public static func decode(from reader: inout ByteReader) throws -> BlobRef {
        let id = BlobID(bytes: try reader.readBytes())
        let size = Int(try reader.read(UInt64.self))
        let chunkSize = Int(try reader.read(UInt32.self))
        let sha = try reader.readBytes()
        return BlobRef(id: id, size: size, chunkSize: chunkSize, sha256: sha)
    }
}
