/// A blob's identity: 16 random bytes, chosen when its first chunk is written.
public struct BlobID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public static func random() -> BlobID {
        var generator = SystemRandomNumberGenerator()
        return BlobID(bytes: (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    public var description: String { Hex.encode(bytes) }

    /// The key of chunk `index`: the id, then the index big-endian so chunks sort in order.
    func chunkKey(_ index: Int) -> [UInt8] {
        var key = bytes
        withUnsafeBytes(of: UInt32(index).bigEndian) { key.append(contentsOf: $0) }
        return key
    }
}
