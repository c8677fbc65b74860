import JSON

/// JSON (import maps, listings, packuments) and JSONC (jsr.json, deno.json): what parses prints and
/// parses back to the same value (parse → print → parse), in both dialects.
enum JSONFuzz {
    static func run(_ bytes: [UInt8]) {
        for dialect in [JSONDialect.json, .jsonc] {
            guard let value = try? JSONValue.parse(bytes, dialect: dialect) else { continue }
            for indent in [0, 2] {
                let printed = value.serialized(indent: indent)
                require((try? JSONValue.parse(printed)) == value, "JSON does not survive print → parse (indent \(indent), \(dialect))")
            }
        }
    }
}
