/// The per-member overrides a PAX `x` record carries; only the keys that change what we keep are read.
struct PaxRecords: Sendable, Equatable {
    var path: [UInt8]?
    var size: Int?
    var mtime: Double?

    /// Parses `"<length> <key>=<value>\n"` records; a malformed record is refused rather than guessed at.
    init(parsing data: [UInt8]) throws(TarballError) {
        var index = data.startIndex
        // Writers may pad the record block with NULs.
        let end = data.lastIndex { $0 != 0 }.map { $0 + 1 } ?? data.startIndex
        while index < end {
            guard let space = data[index..<end].firstIndex(of: UInt8(ascii: " ")),
                  space > index,
                  let length = Self.decimal(data[index..<space]),
                  length > space - index + 1,
                  index + length <= end,
                  data[index + length - 1] == UInt8(ascii: "\n")
            else { throw .corrupt("malformed PAX extended header") }
            let record = data[(space + 1)..<(index + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else {
                throw .corrupt("malformed PAX extended header")
            }
            let key = String(decoding: record[..<equals], as: UTF8.self)
            let value = Array(record[(equals + 1)...])
            switch key {
            case "path":
                path = value.isEmpty ? nil : value
            case "size":
                if value.isEmpty {
                    size = nil
                } else {
                    guard let parsed = Self.decimal(value[...]) else { throw .corrupt("malformed PAX size") }
                    size = parsed
                }
            case "mtime":
                mtime = value.isEmpty ? nil : Self.timestamp(value)
            default:
                break
            }
            index += length
        }
    }

    /// A non-negative decimal integer with no sign or spaces; nil when malformed or overflowing.
    static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    /// `[-]seconds[.fraction]`; an unreadable time is dropped rather than refused, it changes no file bytes.
    static func timestamp(_ value: [UInt8]) -> Double? {
        let allowed = Set("-.0123456789".utf8)
        guard value.count <= 40, value.allSatisfy(allowed.contains) else { return nil }
        return Double(String(decoding: value, as: UTF8.self))
    }
}
