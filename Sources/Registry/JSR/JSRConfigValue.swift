/// A JSON value read the way jsr.io reads `jsr.json`/`deno.json`: JSONC (comments and trailing commas allowed),
/// with object members kept in file order, because `exports` order is part of the published package.
package enum JSRConfigValue: Sendable {
    /// Members in file order; a repeated key keeps its first position and takes the last value.
    case object([(key: String, value: JSRConfigValue)])
    case array([JSRConfigValue])
    case string(String)
    /// The number as written; configs only ever compare numbers for display.
    case number(String)
    case bool(Bool)
    case null

    /// Why the text is not JSONC, with a 1-based line and column for the message.
    package struct SyntaxError: Error {
        var message: String
        var line: Int
        var column: Int
    }

    /// The member named `key` of an object, nil for a missing member or a non-object.
    subscript(key: String) -> JSRConfigValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// How the value reads in an error message: strings quoted, containers abbreviated.
    var display: String {
        switch self {
        case .object: "{…}"
        case .array: "[…]"
        case .string(let value): "\"\(value)\""
        case .number(let text): text
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }

    /// Parses one JSONC document (an optional UTF-8 byte-order mark first).
    package static func parse(_ text: String) throws(SyntaxError) -> JSRConfigValue {
        var reader = Reader(bytes: Array(text.utf8))
        if reader.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }
        let value = try reader.value(depth: 0)
        try reader.skipTrivia()
        guard reader.index == reader.bytes.count else { throw reader.error("unexpected text after the value") }
        return value
    }

    /// A recursive-descent reader over UTF-8 bytes; nesting is capped so hostile input cannot exhaust the stack.
    private struct Reader {
        static let maxDepth = 128
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func error(_ message: String) -> SyntaxError {
            var line = 1
            var lineStart = 0
            for (i, byte) in bytes[..<min(index, bytes.count)].enumerated() where byte == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            let column = String(decoding: bytes[lineStart..<min(index, bytes.count)], as: UTF8.self).count + 1
            return SyntaxError(message: message, line: line, column: column)
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipTrivia() throws(SyntaxError) {
            while let byte = current {
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0D:
                    index += 1
                case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/"):
                    while let c = current, c != 0x0A { index += 1 }
                case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                    let start = index
                    index += 2
                    while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) {
                        index += 1
                    }
                    guard index + 1 < bytes.count else {
                        index = start
                        throw error("unterminated comment")
                    }
                    index += 2
                default:
                    return
                }
            }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> JSRConfigValue {
            guard depth < Self.maxDepth else { throw error("nested too deeply") }
            try skipTrivia()
            guard let byte = current else { throw error("unexpected end of input") }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default:
                for (word, value) in [("true", JSRConfigValue.bool(true)), ("false", .bool(false)), ("null", .null)]
                where bytes[index...].starts(with: word.utf8) {
                    index += word.utf8.count
                    return value
                }
                throw error("unexpected character '\(String(decoding: [byte], as: UTF8.self))'")
            }
        }

        mutating func object(depth: Int) throws(SyntaxError) -> JSRConfigValue {
            index += 1
            var members: [(key: String, value: JSRConfigValue)] = []
            var positions: [String: Int] = [:]
            while true {
                try skipTrivia()
                if current == UInt8(ascii: "}") { break }
                guard current == UInt8(ascii: "\"") else { throw error("expected a property name in double quotes") }
                let key = try string()
                try skipTrivia()
                guard current == UInt8(ascii: ":") else { throw error("expected ':' after a property name") }
                index += 1
                let member = try value(depth: depth + 1)
                if let position = positions[key] {
                    members[position].value = member
                } else {
                    positions[key] = members.count
                    members.append((key, member))
                }
                try skipTrivia()
                if current == UInt8(ascii: ",") {
                    index += 1
                } else if current != UInt8(ascii: "}") {
                    throw error("expected ',' or '}' in an object")
                }
            }
            index += 1
            return .object(members)
        }

        mutating func array(depth: Int) throws(SyntaxError) -> JSRConfigValue {
            index += 1
            var elements: [JSRConfigValue] = []
            while true {
                try skipTrivia()
                if current == UInt8(ascii: "]") { break }
                elements.append(try value(depth: depth + 1))
                try skipTrivia()
                if current == UInt8(ascii: ",") {
                    index += 1
                } else if current != UInt8(ascii: "]") {
                    throw error("expected ',' or ']' in an array")
                }
            }
            index += 1
            return .array(elements)
        }

        /// `index` on the opening quote; leaves it after the closing one.
        mutating func string() throws(SyntaxError) -> String {
            let start = index
            index += 1
            var scalars = String.UnicodeScalarView()
            var runStart = index
            func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
            while true {
                guard let byte = current else {
                    index = start
                    throw error("unterminated string")
                }
                if byte == UInt8(ascii: "\"") {
                    flush(index)
                    index += 1
                    return String(scalars)
                }
                guard byte >= 0x20 else { throw error("control character in a string") }
                guard byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                flush(index)
                index += 1
                guard let escape = current else { continue }
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
                default:
                    index -= 2
                    throw error("invalid escape in a string")
                }
                runStart = index
            }
        }

        /// After `\u`: four hex digits, joined with a following `\uDC00`–`\uDFFF` when they are a high surrogate.
        mutating func unicodeEscape() throws(SyntaxError) -> Unicode.Scalar {
            let high = try hex4()
            if (0xD800...0xDBFF).contains(high), bytes[index...].starts(with: "\\u".utf8) {
                let save = index
                index += 2
                let low = try hex4()
                if (0xDC00...0xDFFF).contains(low) {
                    return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
                }
                index = save
            }
            return Unicode.Scalar(high) ?? "\u{FFFD}"
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard index + 4 <= bytes.count,
                  let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                throw error("invalid \\u escape in a string")
            }
            index += 4
            return value
        }

        /// JSON's number grammar: `-? int frac? exp?`.
        mutating func number() throws(SyntaxError) -> String {
            let start = index
            func digits() -> Int {
                let from = index
                while let c = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { index += 1 }
                return index - from
            }
            if current == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("invalid number") }
            if current == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw error("invalid number") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw error("invalid number") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }
}
