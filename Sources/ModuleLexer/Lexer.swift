/// The single-pass tokenizer behind `ModuleLexer`: it tracks just enough state (bracket stack, last token)
/// to skip strings, comments, templates and regular expressions, and to spot `import`/`export` keywords.
///
/// The design follows es-module-lexer's `lexer.c`: no AST, regex-vs-division decided from the previous
/// token, and the bracket stack remembering which token preceded each `(`/`{`.
struct Lexer {
    enum OpenKind: UInt8 {
        case paren, importParen, brace, classBrace, templateBrace, template
    }

    struct OpenToken {
        var kind: OpenKind
        /// Last token before the opening bracket (for `importParen`/`templateBrace`: the bracket itself).
        var pos: Int
        /// Where the bracket or template starts, for error messages.
        var openAt: Int
        /// Index into `imports` of the dynamic import this paren belongs to, or -1.
        var importIndex: Int
    }

    /// Import data in es-module-lexer terms, converted to `ImportRecord` at the end.
    struct RawImport {
        var kind: ImportRecord.Kind
        var statementStart: Int
        var start: Int
        /// End of the specifier (static) or of the argument (dynamic; -1 until known).
        var end: Int
        var statementEnd: Int
        var specifier: String?
        var specifierRange: Range<Int>?
    }

    let src: UnsafeBufferPointer<UInt8>
    let count: Int
    /// Length of a leading UTF-8 BOM (0 or 3); keyword checks treat it as the start of the file.
    let base: Int
    var pos = -1
    var lastTokenPos = -1
    var openTokens: [OpenToken] = []
    var depth = 0
    var lastSlashWasDivision = false
    var nextBraceIsClass = false
    var imports: [RawImport] = []
    var exports: [String] = []
    var hasModuleSyntax = false

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

    // MARK: Bracket stack

    mutating func push(_ kind: OpenKind, pos tokenPos: Int, openAt: Int) {
        let token = OpenToken(kind: kind, pos: tokenPos, openAt: openAt, importIndex: -1)
        if depth < openTokens.count {
            openTokens[depth] = token
        } else {
            openTokens.append(token)
        }
        depth += 1
    }

    /// The token most recently popped at the current depth (es-module-lexer reads `stack[depth]` after a pop).
    func lastPopped() -> OpenToken? { depth < openTokens.count ? openTokens[depth] : nil }

    // MARK: Main loop

    mutating func run() throws(LexerError) -> ModuleSummary {
        pos = base - 1
        if at(base) == CharClass.hash && at(base + 1) == CharClass.bang {
            pos = base + 1
            lineComment()
        }
        while true {
            pos += 1
            if pos >= count { break }
            let ch = src[pos]
            switch ch {
            case CharClass.space, 9...13:
                continue
            case 0xC2 where at(pos + 1) == 0xA0:  // NBSP
                pos += 1
                continue
            case UInt8(ascii: "e"):
                if depth == 0 && keywordStart(pos) && matches("xport", at: pos + 1) {
                    try parseExport()
                }
            case UInt8(ascii: "i"):
                if keywordStart(pos) && matches("mport", at: pos + 1) {
                    try parseImport()
                }
            case UInt8(ascii: "c"):
                if keywordStart(pos) && matches("lass", at: pos + 1)
                    && (CharClass.isBrOrWs(at(pos + 5)) || at(pos + 5) == CharClass.lbrace) {
                    nextBraceIsClass = true
                }
            case CharClass.lparen:
                push(.paren, pos: lastTokenPos, openAt: pos)
            case CharClass.rparen:
                guard depth > 0 else { throw LexerError(offset: pos, message: "Unexpected ')'") }
                depth -= 1
                let token = openTokens[depth]
                if token.kind == .importParen && token.importIndex >= 0 && token.importIndex < imports.count {
                    if imports[token.importIndex].end < 0 { imports[token.importIndex].end = pos }
                    imports[token.importIndex].statementEnd = pos + 1
                }
            case CharClass.lbrace:
                // `import (x) {` is a method named `import` in an object or class, not a dynamic import.
                if at(lastTokenPos) == CharClass.rparen, let last = imports.last,
                    last.kind == .dynamicImport, last.end == lastTokenPos {
                    imports.removeLast()
                }
                push(nextBraceIsClass ? .classBrace : .brace, pos: lastTokenPos, openAt: pos)
                nextBraceIsClass = false
            case CharClass.rbrace:
                guard depth > 0 else { throw LexerError(offset: pos, message: "Unexpected '}'") }
                depth -= 1
                if openTokens[depth].kind == .templateBrace {
                    try templateString()
                }
            case CharClass.squote, CharClass.dquote:
                try stringLiteral()
            case CharClass.slash:
                let next = at(pos + 1)
                if next == CharClass.slash {
                    lineComment()
                    continue
                } else if next == CharClass.star {
                    try blockComment()
                    continue
                }
                try slash()
            case CharClass.backtick:
                push(.template, pos: lastTokenPos, openAt: pos)
                try templateString()
            default:
                break
            }
            lastTokenPos = pos
        }
        if depth > 0 {
            let open = openTokens[depth - 1]
            let what: String
            switch open.kind {
            case .paren, .importParen: what = "Unterminated '('"
            case .brace, .classBrace: what = "Unterminated '{'"
            case .templateBrace: what = "Unterminated template substitution"
            case .template: what = "Unterminated template literal"
            }
            throw LexerError(offset: open.openAt, message: what)
        }
        return summary()
    }

    func summary() -> ModuleSummary {
        let records = imports.map { raw -> ImportRecord in
            switch raw.kind {
            case .staticImport, .exportFrom:
                return ImportRecord(
                    kind: raw.kind, specifier: raw.specifier, range: raw.start..<raw.end,
                    statementRange: raw.statementStart..<raw.statementEnd)
            case .dynamicImport:
                let end = max(raw.start, raw.end)
                let range = raw.specifierRange ?? raw.start..<end
                let statementEnd = max(raw.statementEnd, end)
                return ImportRecord(
                    kind: .dynamicImport, specifier: raw.specifier, range: range,
                    statementRange: raw.statementStart..<statementEnd)
            case .importMeta:
                return ImportRecord(
                    kind: .importMeta, specifier: nil, range: raw.start..<raw.end,
                    statementRange: raw.statementStart..<raw.statementEnd)
            }
        }
        return ModuleSummary(imports: records, exports: exports, hasModuleSyntax: hasModuleSyntax)
    }

    // MARK: Regular expression vs division

    /// Called with `pos` on a `/` that does not start a comment.
    mutating func slash() throws(LexerError) {
        let last = at(lastTokenPos)
        let beforeLast = at(lastTokenPos - 1)
        var isRegex = false
        if (last == CharClass.plus || last == CharClass.minus) && beforeLast == last {
            // `i++ / 2` (postfix: division) versus `x = ++/re/.lastIndex` (prefix: regex).
            isRegex = !isPostfixUpdate(at: lastTokenPos - 1)
        } else if CharClass.isExpressionPunctuator(last)
            && !(last == CharClass.dot && CharClass.isDigit(beforeLast)) {
            isRegex = true
        } else if last == CharClass.rparen, let open = lastPopped() {
            isRegex = wordEnds(at: open.pos, in: CharClass.parenKeywords)
        } else if last == CharClass.rbrace, let open = lastPopped() {
            isRegex = open.kind == .classBrace || isExpressionTerminator(open.pos)
        } else if last == CharClass.slash {
            isRegex = lastSlashWasDivision
        } else if lastTokenPos < base {
            isRegex = true
        } else {
            isRegex = wordEnds(at: lastTokenPos, in: CharClass.expressionKeywords)
                || (CharClass.isIdentifierPart(last) && followsLabelledJump())
        }
        if isRegex {
            try regularExpression()
            lastSlashWasDivision = false
        } else {
            lastSlashWasDivision = true
        }
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

    /// `break label /re/` and `continue label /re/`.
    func followsLabelledJump() -> Bool {
        var p = lastTokenPos
        while p > 0 && !CharClass.isBrOrWsOrPunctuatorNotDot(src[p - 1]) { p -= 1 }
        p -= 1
        guard p >= 0, CharClass.isWsNotBr(src[p]) else { return false }
        while p > 0 && CharClass.isWsNotBr(src[p]) { p -= 1 }
        return wordEnds(at: p, in: CharClass.breakOrContinue)
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

    // MARK: Skipping literals and comments

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

    /// `pos` on a backtick or on the `}` closing a substitution. Stops after `${` (pushing a template brace)
    /// or on the closing backtick (popping the template).
    mutating func templateString() throws(LexerError) {
        while true {
            pos += 1
            guard pos < count else { break }
            let ch = src[pos]
            if ch == CharClass.dollar && at(pos + 1) == CharClass.lbrace {
                pos += 1
                push(.templateBrace, pos: pos, openAt: pos - 1)
                return
            }
            if ch == CharClass.backtick {
                guard depth > 0, openTokens[depth - 1].kind == .template else {
                    throw LexerError(offset: pos, message: "Unexpected '`'")
                }
                depth -= 1
                return
            }
            if ch == CharClass.backslash { pos += 1 }
        }
        let start = depth > 0 ? openTokens[depth - 1].openAt : pos
        throw LexerError(offset: start, message: "Unterminated template literal")
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
