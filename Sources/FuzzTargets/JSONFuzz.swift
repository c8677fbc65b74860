import ImportMaps
import Registry

/// JSON (import maps, listings, packuments) and JSONC (jsr.json, deno.json): what parses prints and
/// parses back to the same value (parse → print → parse).
enum JSONFuzz {
    static func run(_ bytes: [UInt8]) {
        if let value = try? JSONValue.parse(bytes) {
            for indent in [0, 2] {
                let printed = value.serialized(indent: indent)
                require((try? JSONValue.parse(printed)) == value, "JSON does not survive print → parse (indent \(indent))")
            }
        }
        _ = try? JSRConfigValue.parse(bytes.text)
    }
}
