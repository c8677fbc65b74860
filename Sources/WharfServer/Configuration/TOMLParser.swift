/// A TOML 1.0 reader for proxy.conf: tables, arrays of tables, dotted and quoted keys, basic,
/// literal and multi-line strings, integers, floats, booleans, arrays and inline tables.
/// Dates are not needed by Wharf and are refused with a clear error.
/// Hand-written rather than TOMLKit 0.6.0, whose toml++ aborts the process on `[[[`, sorts keys
/// (file order is lost) and accepts dates with no position to report them at.
public struct TOMLParser {
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    public static func parse(_ text: String) throws(ParseError) -> TOMLTable {
        var parser = TOMLParser(bytes: Array(text.utf8))
        return try parser.document()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: document structure

    private mutating func document() throws(ParseError) -> TOMLTable {
        var root = TOMLTable()
        var current: [String] = []          // path of the table being filled
        var definedTables: Set<[String]> = []
        while true {
            skipTrivia(newlines: true)
            guard let byte = peek() else { return root }
            if byte == UInt8(ascii: "[") {
                advance()
                let isArray = peek() == UInt8(ascii: "[")
                if isArray { advance() }
                skipTrivia(newlines: false)
                let path = try key()
                skipTrivia(newlines: false)
                try expect("]")
                if isArray { try expect("]") }
                try endOfLine()
                if isArray {
                    try appendTable(at: path, in: &root)
                } else {
                    guard definedTables.insert(path).inserted else { throw fail("table [\(path.joined(separator: "."))] is defined twice") }
                    try ensureTable(at: path, in: &root)
                }
                current = path
            } else {
                let path = try key()
                skipTrivia(newlines: false)
                try expect("=")
                skipTrivia(newlines: false)
                let value = try self.value()
                try endOfLine()
                try assign(value, at: current, key: path, in: &root)
            }
        }
    }

    /// Walks `path` from `table`, descending into the last element of arrays of tables.
    private func withTable(at path: [String], in table: inout TOMLTable, create: Bool, _ body: (inout TOMLTable) throws(ParseError) -> Void) throws(ParseError) {
        guard let first = path.first else { return try body(&table) }
        let rest = Array(path.dropFirst())
        switch table[first] {
        case .table(var inner)?:
            try withTable(at: rest, in: &inner, create: create, body)
            table[first] = .table(inner)
        case .array(var items)? where items.last.map({ if case .table = $0 { true } else { false } }) == true:
            guard case .table(var inner) = items.removeLast() else { return }
            try withTable(at: rest, in: &inner, create: create, body)
            items.append(.table(inner))
            table[first] = .array(items)
        case nil where create:
            var inner = TOMLTable()
            try withTable(at: rest, in: &inner, create: create, body)
            table[first] = .table(inner)
        default:
            throw fail("'\(first)' is already a value, not a table")
        }
    }

    private func ensureTable(at path: [String], in root: inout TOMLTable) throws(ParseError) {
        try withTable(at: path, in: &root, create: true) { _ throws(ParseError) in }
    }

    private func appendTable(at path: [String], in root: inout TOMLTable) throws(ParseError) {
        let parent = Array(path.dropLast()), name = path.last!
        try withTable(at: parent, in: &root, create: true) { (table: inout TOMLTable) throws(ParseError) in
            switch table[name] {
            case nil: table[name] = .array([.table(TOMLTable())])
            case .array(var items)?:
                items.append(.table(TOMLTable()))
                table[name] = .array(items)
            default: throw fail("'\(name)' is already a value, not an array of tables")
            }
        }
    }

    private func assign(_ value: TOMLValue, at tablePath: [String], key: [String], in root: inout TOMLTable) throws(ParseError) {
        let parent = tablePath + key.dropLast(), name = key.last!
        try withTable(at: parent, in: &root, create: true) { (table: inout TOMLTable) throws(ParseError) in
            guard table[name] == nil else { throw fail("key '\(key.joined(separator: "."))' is defined twice") }
            table[name] = value
        }
    }

    // MARK: keys

    private mutating func key() throws(ParseError) -> [String] {
        var parts: [String] = []
        while true {
            skipTrivia(newlines: false)
            guard let byte = peek() else { throw fail("expected a key") }
            if byte == UInt8(ascii: "\"") {
                parts.append(try basicString())
            } else if byte == UInt8(ascii: "'") {
                parts.append(try literalString())
            } else {
                let start = index
                while let b = peek(), isBareKeyByte(b) { advance() }
                guard index > start else { throw fail("expected a key, found '\(Character(UnicodeScalar(byte)))'") }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            skipTrivia(newlines: false)
            guard peek() == UInt8(ascii: ".") else { return parts }
            advance()
        }
    }

    private func isBareKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }

    // MARK: values

    private mutating func value() throws(ParseError) -> TOMLValue {
        guard let byte = peek() else { throw fail("expected a value") }
        switch byte {
        case UInt8(ascii: "\""): return .string(try basicString())
        case UInt8(ascii: "'"): return .string(try literalString())
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "{"): return try inlineTable()
        case UInt8(ascii: "t") where matches("true"): index += 4; return .boolean(true)
        case UInt8(ascii: "f") where matches("false"): index += 5; return .boolean(false)
        default: return try number()
        }
    }

    private mutating func number() throws(ParseError) -> TOMLValue {
        let start = index
        while let b = peek(), !(b == UInt8(ascii: ",") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}") || b == UInt8(ascii: "#") || isSpace(b) || isNewline(b)) {
            advance()
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        let cleaned = text.replacingUnderscores()
        if text.isEmpty { throw fail("expected a value") }
        if cleaned.hasPrefix("0x"), let value = Int(cleaned.dropFirst(2), radix: 16) { return .integer(value) }
        if cleaned.hasPrefix("0o"), let value = Int(cleaned.dropFirst(2), radix: 8) { return .integer(value) }
        if cleaned.hasPrefix("0b"), let value = Int(cleaned.dropFirst(2), radix: 2) { return .integer(value) }
        if let value = Int(cleaned) { return .integer(value) }
        if ["inf", "+inf"].contains(cleaned) { return .float(.infinity) }
        if cleaned == "-inf" { return .float(-.infinity) }
        if cleaned.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let value = Double(cleaned) { return .float(value) }
        if text.contains("-") && text.contains(where: \.isNumber) && (text.contains(":") || text.count >= 10) {
            throw fail("dates and times are not supported: '\(text)' (quote it)")
        }
        throw fail("invalid value '\(text)' (strings need quotes)")
    }

    private mutating func array() throws(ParseError) -> TOMLValue {
        advance()
        var items: [TOMLValue] = []
        while true {
            skipTrivia(newlines: true)
            if peek() == UInt8(ascii: "]") { advance(); return .array(items) }
            items.append(try value())
            skipTrivia(newlines: true)
            if peek() == UInt8(ascii: ",") { advance(); continue }
            skipTrivia(newlines: true)
            try expect("]")
            return .array(items)
        }
    }

    private mutating func inlineTable() throws(ParseError) -> TOMLValue {
        advance()
        var table = TOMLTable()
        skipTrivia(newlines: false)
        if peek() == UInt8(ascii: "}") { advance(); return .table(table) }
        while true {
            let path = try key()
            skipTrivia(newlines: false)
            try expect("=")
            skipTrivia(newlines: false)
            let value = try self.value()
            try assign(value, at: [], key: path, in: &table)
            skipTrivia(newlines: false)
            if peek() == UInt8(ascii: ",") { advance(); continue }
            try expect("}")
            return .table(table)
        }
    }

    private mutating func basicString() throws(ParseError) -> String {
        let multiline = matches("\"\"\"")
        index += multiline ? 3 : 1
        if multiline, peek() == UInt8(ascii: "\n") { advance(); line += 1 }
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else { throw fail("unterminated string") }
            if multiline ? matches("\"\"\"") : byte == UInt8(ascii: "\"") {
                index += multiline ? 3 : 1
                return String(decoding: out, as: UTF8.self)
            }
            if isNewline(byte) {
                guard multiline else { throw fail("newline in a single-line string") }
                line += 1
            }
            advance()
            guard byte == UInt8(ascii: "\\") else { out.append(byte); continue }
            guard let escape = peek() else { throw fail("unterminated string") }
            advance()
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(escape)
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let width = escape == UInt8(ascii: "u") ? 4 : 8
                guard index + width <= bytes.count,
                      let code = UInt32(String(decoding: bytes[index..<index + width], as: UTF8.self), radix: 16),
                      let scalar = UnicodeScalar(code)
                else { throw fail("invalid unicode escape") }
                index += width
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            case UInt8(ascii: "\n") where multiline:
                line += 1
                while let b = peek(), isSpace(b) || isNewline(b) { if isNewline(b) { line += 1 }; advance() }
            default:
                throw fail("invalid escape '\\\(Character(UnicodeScalar(escape)))'")
            }
        }
    }

    private mutating func literalString() throws(ParseError) -> String {
        let multiline = matches("'''")
        index += multiline ? 3 : 1
        if multiline, peek() == UInt8(ascii: "\n") { advance(); line += 1 }
        let start = index
        while true {
            guard let byte = peek() else { throw fail("unterminated string") }
            if multiline ? matches("'''") : byte == UInt8(ascii: "'") {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                index += multiline ? 3 : 1
                return text
            }
            if isNewline(byte) {
                guard multiline else { throw fail("newline in a single-line string") }
                line += 1
            }
            advance()
        }
    }

    // MARK: lexing helpers

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }
    private mutating func advance() { index += 1 }
    private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    private func isNewline(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }

    private func matches(_ literal: String) -> Bool {
        let utf8 = Array(literal.utf8)
        return index + utf8.count <= bytes.count && Array(bytes[index..<index + utf8.count]) == utf8
    }

    private mutating func expect(_ literal: Character) throws(ParseError) {
        guard let b = peek(), b == literal.asciiValue else {
            let found = peek().map { isNewline($0) ? "the end of the line" : "'\(Character(UnicodeScalar($0)))'" } ?? "the end of the file"
            throw fail("expected '\(literal)', found \(found)")
        }
        advance()
    }

    /// Spaces, comments and (when allowed) newlines.
    private mutating func skipTrivia(newlines: Bool) {
        while let b = peek() {
            if isSpace(b) { advance() }
            else if b == UInt8(ascii: "#") { while let c = peek(), c != 0x0A { advance() } }
            else if newlines && isNewline(b) { if b == 0x0A { line += 1 }; advance() }
            else { return }
        }
    }

    private mutating func endOfLine() throws(ParseError) {
        skipTrivia(newlines: false)
        guard let b = peek() else { return }
        guard isNewline(b) else { throw fail("expected the end of the line, found '\(Character(UnicodeScalar(b)))'") }
    }

    private func fail(_ message: String) -> ParseError { ParseError(line: line, message: message) }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
