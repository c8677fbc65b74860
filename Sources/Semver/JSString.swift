/// JavaScript string primitives (`trim`, `split(/\s+/)`, `split(str)`) re-implemented exactly,
/// because node-semver's range parser is defined in terms of them and edge cases depend on it.
enum JSString {
    /// The ECMAScript WhiteSpace + LineTerminator set used by `\s` and `String.prototype.trim`.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A,
             0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            return true
        default:
            return false
        }
    }

    static func trim(_ s: some StringProtocol) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isWhitespace($0) })!
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[first...last])
        return String(out)
    }

    /// `s.split(/\s+/)`: runs of whitespace separate fields; leading/trailing empties are kept.
    static func splitWhitespace(_ s: String) -> [String] {
        var fields: [String] = []
        var current = String.UnicodeScalarView()
        var inRun = false
        for scalar in s.unicodeScalars {
            if isWhitespace(scalar) {
                if !inRun {
                    fields.append(String(current))
                    current = String.UnicodeScalarView()
                    inRun = true
                }
            } else {
                inRun = false
                current.append(scalar)
            }
        }
        fields.append(String(current))
        return fields
    }

    /// `s.split(separator)` with a literal string separator (non-overlapping, left to right).
    static func split(_ s: String, separator: String) -> [String] {
        let sep = Array(separator.unicodeScalars)
        let scalars = Array(s.unicodeScalars)
        var fields: [String] = []
        var current = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if i + sep.count <= scalars.count, Array(scalars[i..<(i + sep.count)]) == sep {
                fields.append(String(current))
                current = String.UnicodeScalarView()
                i += sep.count
            } else {
                current.append(scalars[i])
                i += 1
            }
        }
        fields.append(String(current))
        return fields
    }

    /// `s.trim().split(/\s+/).join(' ')`, the normalisation node-semver applies to every input.
    static func collapseWhitespace(_ s: String) -> String {
        splitWhitespace(trim(s)).joined(separator: " ")
    }

    /// `+n + 1` for a decimal digit string. Values beyond UInt64 only ever produce versions that
    /// node-semver rejects (> MAX_SAFE_INTEGER), so any too-large digit string preserves that.
    static func increment(_ digits: String) -> String {
        if let n = UInt64(digits), n < UInt64.max { return String(n + 1) }
        return digits + "0"
    }
}
