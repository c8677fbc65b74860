/// Turns the source text of a string or template literal into its value, so specifiers such as
/// `'\x41'` or `'\u{41}'` compare equal to `'A'` in the import map.
enum StringDecoder {
    /// Decodes `range` (the literal's contents, without quotes). Templates also normalise raw CR/CRLF to LF.
    static func decode(
        _ src: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, template: Bool = false
    ) throws(LexerError) -> String {
        var hasSpecial = false
        for i in range where src[i] == CharClass.backslash || (template && src[i] == CharClass.cr) {
            hasSpecial = true
            break
        }
        if !hasSpecial {
            return String(decoding: UnsafeBufferPointer(rebasing: src[range]), as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        let end = range.upperBound
        var i = range.lowerBound
        @inline(__always) func at(_ j: Int) -> UInt8 { j < end ? src[j] : 0 }

        while i < end {
            let c = src[i]
            if template && c == CharClass.cr {
                out.append(CharClass.lf)
                i += at(i + 1) == CharClass.lf ? 2 : 1
                continue
            }
            guard c == CharClass.backslash else {
                out.append(c)
                i += 1
                continue
            }
            let escapeStart = i
            i += 1
            guard i < end else { throw LexerError(offset: escapeStart, message: "Invalid escape sequence") }
            let e = src[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "v"): out.append(0x0B)
            case CharClass.cr:
                if at(i) == CharClass.lf { i += 1 }  // line continuation
            case CharClass.lf:
                break  // line continuation
            case 0xE2 where at(i) == 0x80 && (at(i + 1) == 0xA8 || at(i + 1) == 0xA9):
                i += 2  // LS / PS line continuation
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                // \0, or a legacy octal escape (sloppy-mode only, decoded leniently).
                var value = UInt32(e - 0x30)
                let maxDigits = e <= UInt8(ascii: "3") ? 2 : 1
                var taken = 0
                while taken < maxDigits, at(i) >= UInt8(ascii: "0"), at(i) <= UInt8(ascii: "7") {
                    value = value * 8 + UInt32(at(i) - 0x30)
                    i += 1
                    taken += 1
                }
                appendScalar(value, to: &out)
            case UInt8(ascii: "x"):
                guard let h = CharClass.hexValue(at(i)), let l = CharClass.hexValue(at(i + 1)) else {
                    throw LexerError(offset: escapeStart, message: "Invalid hexadecimal escape sequence")
                }
                i += 2
                appendScalar(h * 16 + l, to: &out)
            case UInt8(ascii: "u"):
                var value = try readUnicodeEscape(at, &i, escapeStart)
                if value >= 0xD800 && value <= 0xDBFF && at(i) == CharClass.backslash && at(i + 1) == UInt8(ascii: "u") {
                    var j = i + 2
                    if let low = try? readUnicodeEscape(at, &j, i), low >= 0xDC00 && low <= 0xDFFF {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                        i = j
                    }
                }
                appendScalar(value, to: &out)
            default:
                out.append(e)  // `\'`, `\\`, `\/`, or a non-escape character (its UTF-8 tail follows verbatim)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads the part after `\u`: either `{hex+}` or exactly four hex digits.
    private static func readUnicodeEscape(
        _ at: (Int) -> UInt8, _ i: inout Int, _ escapeStart: Int
    ) throws(LexerError) -> UInt32 {
        if at(i) == CharClass.lbrace {
            var j = i + 1
            var value: UInt32 = 0
            var digits = 0
            while let h = CharClass.hexValue(at(j)) {
                value = value &* 16 &+ h
                digits += 1
                j += 1
                if value > 0x10FFFF { break }
            }
            guard digits > 0, value <= 0x10FFFF, at(j) == CharClass.rbrace else {
                throw LexerError(offset: escapeStart, message: "Invalid Unicode escape sequence")
            }
            i = j + 1
            return value
        }
        var value: UInt32 = 0
        for k in 0..<4 {
            guard let h = CharClass.hexValue(at(i + k)) else {
                throw LexerError(offset: escapeStart, message: "Invalid Unicode escape sequence")
            }
            value = value * 16 + h
        }
        i += 4
        return value
    }

    private static func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"  // lone surrogates cannot be represented
        out.append(contentsOf: String(Character(scalar)).utf8)
    }
}
