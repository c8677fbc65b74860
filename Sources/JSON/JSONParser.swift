/// A recursive-descent reader over UTF-8 bytes producing `JSONValue`. Nesting is capped so
/// hostile input cannot exhaust the stack; a repeated key keeps its first position and takes the
/// last value, as `JSON.parse` does.
struct JSONParser {
    static let maxDepth = 512
    let bytes: [UInt8]
    let dialect: JSONDialect
    var index = 0

    init(bytes: [UInt8], dialect: JSONDialect) {
        self.bytes = bytes
        self.dialect = dialect
    }

    mutating func document() throws(JSONParseError) -> JSONValue {
        if dialect == .jsonc, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        let value = try value(depth: 0)
        try skipTrivia()
        guard index == bytes.count else { throw error("unexpected text after the value") }
        return value
    }

    func error(_ message: String) -> JSONParseError {
        let end = min(index, bytes.count)
        var line = 1, lineStart = 0
        for i in 0..<end where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        let column = String(decoding: bytes[lineStart..<end], as: UTF8.self).count + 1
        return JSONParseError(offset: index, line: line, column: column, message: message)
    }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Whitespace, and in JSONC comments.
    mutating func skipTrivia() throws(JSONParseError) {
        while let byte = current {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                index += 1
            case UInt8(ascii: "/") where dialect == .jsonc && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/"):
                while let c = current, c != 0x0A { index += 1 }
            case UInt8(ascii: "/") where dialect == .jsonc && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
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

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < Self.maxDepth else { throw error("nested too deeply") }
        try skipTrivia()
        guard let byte = current else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default:
            for (word, value) in [("true", JSONValue.bool(true)), ("false", .bool(false)), ("null", .null)]
            where bytes[index...].starts(with: word.utf8) {
                index += word.utf8.count
                return value
            }
            throw error("unexpected character '\(String(decoding: [byte], as: UTF8.self))'")
        }
    }

    /// After a member or element: a comma (and in strict JSON no closing bracket right after it).
    mutating func separator(closing: UInt8, what: String) throws(JSONParseError) -> Bool {
        try skipTrivia()
        if current == UInt8(ascii: ",") {
            index += 1
            try skipTrivia()
            if current == closing, dialect == .json { throw error("trailing comma in \(what)") }
            return true
        }
        guard current == closing else {
            throw error("expected ',' or '\(String(decoding: [closing], as: UTF8.self))' in \(what)")
        }
        return false
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        var members: [(String, JSONValue)] = []
        var positions: [String: Int] = [:]
        try skipTrivia()
        if current != UInt8(ascii: "}") {
            repeat {
                try skipTrivia()
                if current == UInt8(ascii: "}") { break }
                guard current == UInt8(ascii: "\"") else { throw error("expected a property name in double quotes") }
                let key = try string()
                try skipTrivia()
                guard current == UInt8(ascii: ":") else { throw error("expected ':' after a property name") }
                index += 1
                let member = try value(depth: depth + 1)
                if let position = positions[key] {
                    members[position].1 = member
                } else {
                    positions[key] = members.count
                    members.append((key, member))
                }
            } while try separator(closing: UInt8(ascii: "}"), what: "an object")
        }
        index += 1
        return .object(members)
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        try skipTrivia()
        if current != UInt8(ascii: "]") {
            repeat {
                try skipTrivia()
                if current == UInt8(ascii: "]") { break }
                elements.append(try value(depth: depth + 1))
            } while try separator(closing: UInt8(ascii: "]"), what: "an array")
        }
        index += 1
        return .array(elements)
    }

    /// `index` on the opening quote; leaves it after the closing one.
    mutating func string() throws(JSONParseError) -> String {
        let start = index
        index += 1
        var out: [UInt8] = []
        while true {
            guard let byte = current else {
                index = start
                throw error("unterminated string")
            }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                return text
            case 0..<0x20:
                index -= 1
                throw error("control character in a string")
            case UInt8(ascii: "\\"):
                guard let escape = current else { throw error("unterminated string") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out += Array(String(Character(try unicodeEscape())).utf8)
                default:
                    index -= 2
                    throw error("invalid escape in a string")
                }
            default:
                out.append(byte)
            }
        }
    }

    /// After `\u`: four hex digits, joined with a following low surrogate when they are a high one.
    mutating func unicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let high = try hex4()
        guard (0xD800...0xDFFF).contains(high) else { return Unicode.Scalar(high)! }
        guard high < 0xDC00, bytes[index...].starts(with: "\\u".utf8) else { throw error("lone surrogate in a string") }
        index += 2
        let low = try hex4()
        guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid surrogate pair in a string") }
        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("invalid \\u escape in a string") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { throw error("invalid \\u escape in a string") }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    /// JSON's number grammar: `-? (0 | [1-9][0-9]*) frac? exp?`.
    mutating func number() throws(JSONParseError) -> String {
        let start = index
        func digits() -> Int {
            let from = index
            while let c = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { index += 1 }
            return index - from
        }
        if current == UInt8(ascii: "-") { index += 1 }
        let integer = index
        let count = digits()
        guard count > 0 else { throw error("invalid number") }
        if bytes[integer] == UInt8(ascii: "0"), count > 1 { throw error("invalid number: leading zero") }
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
