import Tarball

/// Hand-built headers, for archive shapes `TarWriter` deliberately does not produce.
enum RawTar {
    static func header(
        name: String,
        size: Int = 0,
        typeflag: Character = "0",
        linkName: String = "",
        magic: [UInt8] = Array("ustar".utf8) + [0] + Array("00".utf8),
        prefix: String = "",
        sizeField: [UInt8]? = nil
    ) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (i, byte) in bytes.enumerated() { block[offset + i] = byte }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: width - 1 - digits.count) + digits).utf8) + [0]
        }
        put(Array(name.utf8), at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(sizeField ?? octal(size, width: 12), at: 124)
        put(octal(1_700_000_000, width: 12), at: 136)
        block[156] = typeflag.asciiValue!
        put(Array(linkName.utf8), at: 157)
        put(magic, at: 257)
        put(Array(prefix.utf8), at: 345)
        var sum = 0
        for (i, byte) in block.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(byte) }
        put(octal(sum, width: 7) + [32], at: 148)
        return block
    }

    static func padded(_ data: [UInt8]) -> [UInt8] {
        data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    static func member(_ name: String, _ contents: String, typeflag: Character = "0") -> [UInt8] {
        let data = Array(contents.utf8)
        return header(name: name, size: data.count, typeflag: typeflag) + padded(data)
    }

    static let end = [UInt8](repeating: 0, count: 1024)

    /// One PAX record, `"<length> key=value\n"`, its length counting its own digits.
    static func record(_ key: String, _ value: String) -> [UInt8] {
        let body = " \(key)=\(value)\n".utf8.count
        var length = body + 1
        while String(length).count + body != length { length = String(length).count + body }
        return Array("\(length) \(key)=\(value)\n".utf8)
    }

    static func pax(_ records: [(String, String)], typeflag: Character = "x") -> [UInt8] {
        let data = records.flatMap { record($0.0, $0.1) }
        return header(name: "PaxHeader", size: data.count, typeflag: typeflag) + padded(data)
    }
}
