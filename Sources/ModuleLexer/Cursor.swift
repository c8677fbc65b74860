/// A position in a module's source and the skipping of what is not a token: strings, comments,
/// regular expression bodies, whitespace. `Lexer` decides what the tokens mean.
struct Cursor {
    let src: UnsafeBufferPointer<UInt8>
    let count: Int
    /// Length of a leading UTF-8 BOM (0 or 3); keyword checks treat it as the start of the file.
    let base: Int
    var pos = -1

    init(_ src: UnsafeBufferPointer<UInt8>) {
        self.src = src
        self.count = src.count
        self.base = src.count >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF ? 3 : 0
    }

    @inline(__always) func at(_ i: Int) -> UInt8 { i >= 0 && i < count ? src[i] : 0 }

    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: src[range]), as: UTF8.self)
    }

    func matches(_ word: StaticString, at i: Int) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i >= 0, i + n <= count else { return false }
        let p = word.utf8Start
        for k in 0..<n where src[i + k] != p[k] { return false }
        return true
    }

    /// Whether the `++`/`--` starting at `p` follows an operand on the same line (postfix), judged from
    /// the preceding token: an identifier, number, `)`, `]`, string or template end means postfix.
    func isPostfixUpdate(at p: Int) -> Bool {
        var q = p - 1
        while q >= 0 && CharClass.isWsNotBr(src[q]) { q -= 1 }
        guard q >= base else { return false }
        let c = src[q]
        if CharClass.isBr(c) { return false }  // no line break is allowed before a postfix operator
        if c == CharClass.rparen || c == CharClass.rbracket || CharClass.isQuote(c) || c == CharClass.backtick {
            return true
        }
        return CharClass.isIdentifierPart(c) && !wordEnds(at: q, in: CharClass.expressionKeywords)
    }

    /// Whether a `{` whose preceding token is at `p` opens a block (so a `/` after its `}` is a regex).
    func isExpressionTerminator(_ p: Int) -> Bool {
        if p < base { return true }
        switch at(p) {
        case CharClass.greater: return at(p - 1) == CharClass.equals
        case CharClass.semicolon, CharClass.rparen, CharClass.lbrace, CharClass.rbrace: return true
        default: return wordEnds(at: p, in: CharClass.blockKeywords)
        }
    }

    /// Whether the identifier ending at `p` is exactly one of `words`, with a keyword boundary before it.
    func wordEnds(at p: Int, in words: [[UInt8]]) -> Bool {
        guard p >= 0, p < count, CharClass.isLowerAlpha(src[p]) else { return false }
        var s = p
        while s > 0 && p - s < 10 && CharClass.isLowerAlpha(src[s - 1]) { s -= 1 }
        guard keywordStart(s) else { return false }
        let length = p - s + 1
        outer: for word in words where word.count == length {
            for k in 0..<length where src[s + k] != word[k] { continue outer }
            return true
        }
        return false
    }

    /// True when the character before `p` cannot be part of the same identifier (nor a `.` member access).
    func keywordStart(_ p: Int) -> Bool {
        if p <= base { return true }
        let prev = src[p - 1]
        if CharClass.isBrOrWsOrPunctuatorNotDot(prev) { return true }
        return prev == 0xA0 && p >= 2 && src[p - 2] == 0xC2
    }

    /// `pos` on the opening quote; leaves `pos` on the closing quote.
    mutating func stringLiteral() throws(LexerError) {
        let start = pos
        let quote = src[pos]
        while true {
            pos += 1
            guard pos < count else { break }
            let ch = src[pos]
            if ch == quote { return }
            if ch == CharClass.backslash {
                pos += 1
                if at(pos) == CharClass.cr && at(pos + 1) == CharClass.lf { pos += 1 }
            } else if CharClass.isBr(ch) {
                break
            }
        }
        throw LexerError(offset: start, message: "Unterminated string literal")
    }

    /// `pos` on the first `/` of `//`; leaves `pos` on the line terminator (or past the end).
    mutating func lineComment() {
        while true {
            pos += 1
            if pos >= count || CharClass.isBr(src[pos]) { return }
        }
    }

    /// `pos` on the `/` of `/*`; leaves `pos` on the final `/`.
    mutating func blockComment() throws(LexerError) {
        let start = pos
        pos += 1
        while true {
            pos += 1
            guard pos < count else { break }
            if src[pos] == CharClass.star && at(pos + 1) == CharClass.slash {
                pos += 1
                return
            }
        }
        throw LexerError(offset: start, message: "Unterminated comment")
    }

    /// `pos` on the opening `/`; leaves `pos` on the closing `/` (flags are lexed as an identifier).
    mutating func regularExpression() throws(LexerError) {
        let start = pos
        while true {
            pos += 1
            guard pos < count else { break }
            let ch = src[pos]
            if ch == CharClass.slash { return }
            if ch == CharClass.lbracket {
                while true {
                    pos += 1
                    guard pos < count else { break }
                    let c = src[pos]
                    if c == CharClass.rbracket { break }
                    if c == CharClass.backslash {
                        pos += 1
                    } else if CharClass.isBr(c) {
                        throw LexerError(offset: start, message: "Unterminated regular expression")
                    }
                }
            } else if ch == CharClass.backslash {
                pos += 1
            } else if CharClass.isBr(ch) {
                break
            }
        }
        throw LexerError(offset: start, message: "Unterminated regular expression")
    }

    /// Advances `pos` over whitespace, line terminators and comments; returns the byte at `pos` (0 at the end).
    mutating func skipTrivia() throws(LexerError) -> UInt8 {
        while pos < count {
            let ch = src[pos]
            if ch == CharClass.slash {
                let next = at(pos + 1)
                if next == CharClass.slash {
                    lineComment()
                } else if next == CharClass.star {
                    try blockComment()
                    pos += 1
                } else {
                    return ch
                }
            } else if CharClass.isBrOrWs(ch) {
                pos += 1
            } else if ch == 0xC2 && at(pos + 1) == 0xA0 {
                pos += 2
            } else {
                return ch
            }
        }
        return 0
    }

    /// Advances `pos` to the next whitespace or punctuator; returns the byte there (0 at the end).
    mutating func readToWsOrPunctuator() -> UInt8 {
        while pos < count {
            let ch = src[pos]
            if CharClass.isBrOrWs(ch) || CharClass.isPunctuator(ch) || CharClass.isQuote(ch) { return ch }
            if ch == 0xC2 && at(pos + 1) == 0xA0 { return ch }
            pos += 1
        }
        return 0
    }

    func containsLineTerminator(_ range: Range<Int>) -> Bool {
        for i in range where CharClass.isBr(src[i]) { return true }
        return false
    }
}
