/// Wharf's one JSON tree. A value keeps the order of object keys, so a rewritten import map or a
/// published `exports` table lists its entries exactly as the input did.
///
/// JSON is produced two ways, one per purpose:
/// - `JSONValue` for documents whose order matters or whose shape is ad hoc: import maps,
///   package.json, deno.json/jsr.json, generator answers, listings and every error body;
/// - Codable (`JSONEncoder`, sorted keys) for records with a fixed schema: what the registries
///   store in LMDB and the typed API documents built from them.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number as written: no float round-trip surprises.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        default: false
        }
    }

    /// The member named `key` of an object; nil for a missing member or a non-object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var objectMembers: [(String, JSONValue)]? { if case .object(let m) = self { m } else { nil } }
    public var arrayValues: [JSONValue]? { if case .array(let items) = self { items } else { nil } }

    /// How the value reads in an error message: strings quoted, containers abbreviated.
    public var display: String {
        switch self {
        case .object: "{…}"
        case .array: "[…]"
        case .string(let value): "\"\(value)\""
        case .number(let text): text
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }

    /// Parses one document: strict RFC 8259, or JSONC (comments, trailing commas, a byte-order
    /// mark) as jsr.io and deno read their config files.
    public static func parse(_ bytes: [UInt8], dialect: JSONDialect = .json) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, dialect: dialect)
        return try parser.document()
    }

    public static func parse(_ text: String, dialect: JSONDialect = .json) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), dialect: dialect)
    }
}

/// Which grammar `JSONValue.parse` reads.
public enum JSONDialect: Sendable {
    /// RFC 8259.
    case json
    /// JSON with `//` and `/* */` comments, trailing commas and a leading byte-order mark.
    case jsonc
}

/// Why a text is not JSON, with its place as a byte offset and as a 1-based line and column.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public let offset: Int
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "invalid JSON at line \(line) column \(column): \(message)" }
}
