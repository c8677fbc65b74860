/// One decoded 512-byte ustar/GNU/v7 header; the raw fields, before PAX or GNU overrides are applied.
struct TarHeader: Sendable {
    static let blockSize = 512

    /// `name`, up to its first NUL.
    var name: [UInt8]
    var mode: UInt32?
    var size: Int
    var mtime: Int?
    var typeflag: UInt8
    /// POSIX ustar `prefix`, only filled when the magic is `ustar\0` (GNU reuses those bytes for times).
    var prefix: [UInt8]

    /// The path the header alone gives: `prefix/name` for POSIX ustar, else `name`.
    var headerPath: [UInt8] {
        prefix.isEmpty ? name : prefix + [UInt8(ascii: "/")] + name
    }

    /// Decodes a block whose checksum the caller has already verified.
    init(block: ArraySlice<UInt8>, offset: Int) throws(TarballError) {
        let b = block.startIndex
        func field(_ start: Int, _ length: Int) -> ArraySlice<UInt8> { block[(b + start)..<(b + start + length)] }

        name = Self.cString(field(0, 100))
        typeflag = block[b + 156]
        do throws(TarballError) {
            mode = try Self.number(field(100, 8)).map { UInt32(truncatingIfNeeded: $0 & 0o7777) }
            size = try Self.number(field(124, 12)) ?? 0
            mtime = try Self.number(field(136, 12))
        } catch {
            guard case .corrupt(let reason) = error else { throw error }
            throw .corrupt("\(reason) in header at offset \(offset)")
        }
        if Self.isPOSIXUstar(block) {
            prefix = Self.cString(field(345, 155))
        } else {
            prefix = []
        }
    }

    /// `ustar\0` (POSIX); GNU writes `ustar  \0` and keeps other data where POSIX has `prefix`.
    static func isPOSIXUstar(_ block: ArraySlice<UInt8>) -> Bool {
        let b = block.startIndex
        return block[(b + 257)..<(b + 263)].elementsEqual(Array("ustar".utf8) + [0])
    }

    /// Any `ustar` magic at offset 257 (POSIX or GNU); works on a partial first block of at least 262 bytes.
    static func hasUstarMagic(_ bytes: ArraySlice<UInt8>) -> Bool {
        let b = bytes.startIndex
        guard bytes.count >= 262 else { return false }
        return bytes[(b + 257)..<(b + 262)].elementsEqual("ustar".utf8)
    }

    static func isZeroBlock(_ block: ArraySlice<UInt8>) -> Bool {
        block.allSatisfy { $0 == 0 }
    }

    /// True when the checksum field matches the header's byte sum (unsigned, or signed as some old tars wrote).
    static func checksumMatches(_ block: ArraySlice<UInt8>) -> Bool {
        let b = block.startIndex
        guard let stored = try? number(block[(b + 148)..<(b + 156)]) else { return false }
        var unsigned = 0
        var signed = 0
        for (i, byte) in block.enumerated() {
            let value = (148..<156).contains(i) ? UInt8(ascii: " ") : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        return stored == unsigned || stored == signed
    }

    /// The unsigned byte sum with the checksum field counted as spaces, as writers store it.
    static func checksum(_ block: [UInt8]) -> Int {
        var sum = 0
        for (i, byte) in block.enumerated() {
            sum += (148..<156).contains(i) ? Int(UInt8(ascii: " ")) : Int(byte)
        }
        return sum
    }

    /// Reads an octal (NUL/space terminated, leading spaces allowed) or GNU base-256 field; nil when empty.
    static func number(_ field: ArraySlice<UInt8>) throws(TarballError) -> Int? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            // Base-256: 0x80 marks a positive big-endian value in the remaining bits; 0xFF a negative one.
            guard first == 0x80 else { throw .corrupt("negative numeric field") }
            var value = 0
            for byte in field.dropFirst() {
                guard value <= (Int.max >> 8) else { throw .corrupt("numeric field out of range") }
                value = value << 8 | Int(byte)
            }
            return value
        }
        var digits = field.drop { $0 == UInt8(ascii: " ") }
        if let end = digits.firstIndex(where: { $0 == 0 || $0 == UInt8(ascii: " ") }) {
            // After the terminator only NULs and spaces may follow.
            guard digits[end...].allSatisfy({ $0 == 0 || $0 == UInt8(ascii: " ") }) else {
                throw .corrupt("malformed numeric field")
            }
            digits = digits[..<end]
        }
        guard !digits.isEmpty else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else {
                throw .corrupt("malformed numeric field")
            }
            guard value <= (Int.max >> 3) else { throw .corrupt("numeric field out of range") }
            value = value << 3 | Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    static func cString(_ field: ArraySlice<UInt8>) -> [UInt8] {
        Array(field.prefix { $0 != 0 })
    }
}
