/// The string rules Node's resolver applies to `exports`/`imports` keys and targets: `*`
/// substitution, forbidden segments, URL schemes and array-index keys.
enum PackagePathText {
    /// Every `*` in `text` replaced by `replacement` (Node's `target.replace(/\*/g, …)`).
    static func replacingStars(in text: String, with replacement: String) -> String {
        text.split(separator: "*", omittingEmptySubsequences: false).joined(separator: replacement)
    }

    /// A `.`, `..` or `node_modules` segment (case-insensitive, percent-encoded forms included),
    /// split at `/` and `\`. Empty segments are only deprecated in Node, so they pass.
    static func hasInvalidSegment(_ path: Substring) -> Bool {
        path.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" }).contains { segment in
            let decoded = percentDecoded(segment).lowercased()
            return decoded == "." || decoded == ".." || decoded == "node_modules"
        }
    }

    static func percentDecoded(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Whether `new URL(text)` would parse it: a scheme (`letter (letter | digit | + - .)* :`).
    static func hasURLScheme(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), let first = text.first, first.isASCII, first.isLetter else { return false }
        return text[..<colon].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    /// A canonical array index such as `0` or `12` (JavaScript orders and rejects these).
    static func isArrayIndex(_ key: String) -> Bool {
        guard let first = key.first, key.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return first != "0" || key == "0"
    }
}
