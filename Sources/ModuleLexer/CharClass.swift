/// Byte constants and character classes for the lexer; only ASCII matters to the grammar, every byte
/// at or above 0x80 is treated as part of an identifier (except the UTF-8 NBSP pair, handled by the lexer).
enum CharClass {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let bang = UInt8(ascii: "!")
    static let dquote = UInt8(ascii: "\"")
    static let hash = UInt8(ascii: "#")
    static let dollar = UInt8(ascii: "$")
    static let squote = UInt8(ascii: "'")
    static let lparen = UInt8(ascii: "(")
    static let rparen = UInt8(ascii: ")")
    static let star = UInt8(ascii: "*")
    static let plus = UInt8(ascii: "+")
    static let comma = UInt8(ascii: ",")
    static let minus = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let slash = UInt8(ascii: "/")
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let equals = UInt8(ascii: "=")
    static let greater = UInt8(ascii: ">")
    static let lbracket = UInt8(ascii: "[")
    static let backslash = UInt8(ascii: "\\")
    static let rbracket = UInt8(ascii: "]")
    static let backtick = UInt8(ascii: "`")
    static let lbrace = UInt8(ascii: "{")
    static let rbrace = UInt8(ascii: "}")

    @inline(__always) static func isBr(_ c: UInt8) -> Bool { c == lf || c == cr }

    /// Tab, vertical tab, form feed, space (no line terminators).
    @inline(__always) static func isWsNotBr(_ c: UInt8) -> Bool { c == 9 || c == 11 || c == 12 || c == 32 }

    /// ASCII whitespace including line terminators (9...13 and space).
    @inline(__always) static func isBrOrWs(_ c: UInt8) -> Bool { (c > 8 && c < 14) || c == 32 }

    @inline(__always) static func isQuote(_ c: UInt8) -> Bool { c == squote || c == dquote }

    /// `!%&()*+,-./:;<=>?[]^{|}~`
    @inline(__always) static func isPunctuator(_ c: UInt8) -> Bool {
        c == 33 || c == 37 || c == 38 || (c > 39 && c < 48) || (c > 57 && c < 64)
            || c == 91 || c == 93 || c == 94 || (c > 122 && c < 127)
    }

    /// Punctuators after which a `/` starts a regular expression: `!%&(*+,-.:;<=>?[^{|~`.
    @inline(__always) static func isExpressionPunctuator(_ c: UInt8) -> Bool {
        c == 33 || c == 37 || c == 38 || (c > 39 && c < 47 && c != 41) || (c > 57 && c < 64)
            || c == 91 || c == 94 || (c > 122 && c < 127 && c != 125)
    }

    @inline(__always) static func isBrOrWsOrPunctuatorNotDot(_ c: UInt8) -> Bool {
        isBrOrWs(c) || (isPunctuator(c) && c != dot)
    }

    @inline(__always) static func isIdentifierPart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
            || c == dollar || c == 0x5F || c == backslash || c >= 0x80
    }

    @inline(__always) static func isLowerAlpha(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: UInt32(c - 0x30)
        case 0x61...0x66: UInt32(c - 0x61 + 10)
        case 0x41...0x46: UInt32(c - 0x41 + 10)
        default: nil
        }
    }

    private static func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }

    /// Keywords after which `/` begins a regular expression (es-module-lexer's list plus `default`).
    static let expressionKeywords = bytes([
        "case", "debugger", "delete", "do", "else", "in", "instanceof", "new", "return", "throw",
        "typeof", "void", "yield", "await", "break", "continue", "default",
    ])
    /// Keywords whose parenthesised head is followed by a statement: `if (x) /re/`.
    static let parenKeywords = bytes(["while", "for", "if"])
    /// Keywords that are followed by a block (not an object literal) when a `{` comes next.
    static let blockKeywords = bytes(["catch", "finally", "else"])
    static let breakOrContinue = bytes(["break", "continue"])
}
