/// A small binary encoder for records on hot paths, where JSON decoding would cost more than the
/// LMDB lookup itself. Integers are little-endian; strings and byte arrays are length-prefixed.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    public mutating func write(_ value: UInt8) { bytes.append(value) }
    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ value: Double) { write(value.bitPattern) }

    public mutating func write(bytes value: some Collection<UInt8>) {
        write(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func write(_ value: String) { write(bytes: Array(value.utf8)) }

    public mutating func write(optional value: String?) {
        write(value != nil)
        if let value { write(value) }
    }
}

/// Reads what `ByteWriter` wrote; any short read throws `StorageError.corruptRecord`.
public struct ByteReader {
    private let buffer: UnsafeRawBufferPointer
    private var offset = 0

    public init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    public var isAtEnd: Bool { offset >= buffer.count }

    private mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, offset + count <= buffer.count else {
            throw StorageError(.corruptRecord, operation: "decode")
        }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let raw = try take(MemoryLayout<T>.size)
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: raw) }
        return T(littleEndian: value)
    }

    public mutating func readBool() throws -> Bool { try read(UInt8.self) != 0 }
    public mutating func readDouble() throws -> Double { Double(bitPattern: try read(UInt64.self)) }

    public mutating func readBytes() throws -> [UInt8] {
        let count = Int(try read(UInt32.self))
        return Array(try take(count))
    }

    public mutating func readString() throws -> String {
        let count = Int(try read(UInt32.self))
        return String(decoding: try take(count), as: UTF8.self)
    }

    public mutating func readOptionalString() throws -> String? {
        try readBool() ? try readString() : nil
    }
}
