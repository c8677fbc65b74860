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

    /// The position in the source, and the skipping of everything that is not a token.
    var cursor: Cursor
    var lastTokenPos = -1
    var openTokens: [OpenToken] = []
    var depth = 0
    var lastSlashWasDivision = false
    var nextBraceIsClass = false
    var imports: [RawImport] = []
    var exports: [String] = []
    var hasModuleSyntax = false

    init(_ src: UnsafeBufferPointer<UInt8>) {
        cursor = Cursor(src)
    }

    var src: UnsafeBufferPointer<UInt8> { cursor.src }
    var count: Int { cursor.count }
    var base: Int { cursor.base }
    var pos: Int {
        @inline(__always) get { cursor.pos }
        @inline(__always) set { cursor.pos = newValue }
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
        if cursor.at(base) == CharClass.hash && cursor.at(base + 1) == CharClass.bang {
            pos = base + 1
            cursor.lineComment()
        }
        while true {
            pos += 1
            if pos >= count { break }
            let ch = src[pos]
            switch ch {
            case CharClass.space, 9...13:
                continue
            case 0xC2 where cursor.at(pos + 1) == 0xA0:  // NBSP
                pos += 1
                continue
            case UInt8(ascii: "e"):
                if depth == 0 && cursor.keywordStart(pos) && cursor.matches("xport", at: pos + 1) {
                    try ExportStatement.parse(&self)
                }
            case UInt8(ascii: "i"):
                if cursor.keywordStart(pos) && cursor.matches("mport", at: pos + 1) {
                    try ImportStatement.parse(&self)
                }
            case UInt8(ascii: "c"):
                if cursor.keywordStart(pos) && cursor.matches("lass", at: pos + 1)
                    && (CharClass.isBrOrWs(cursor.at(pos + 5)) || cursor.at(pos + 5) == CharClass.lbrace) {
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
                if cursor.at(lastTokenPos) == CharClass.rparen, let last = imports.last,
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
                try cursor.stringLiteral()
            case CharClass.slash:
                let next = cursor.at(pos + 1)
                if next == CharClass.slash {
                    cursor.lineComment()
                    continue
                } else if next == CharClass.star {
                    try cursor.blockComment()
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
        let last = cursor.at(lastTokenPos)
        let beforeLast = cursor.at(lastTokenPos - 1)
        var isRegex = false
        if (last == CharClass.plus || last == CharClass.minus) && beforeLast == last {
            // `i++ / 2` (postfix: division) versus `x = ++/re/.lastIndex` (prefix: regex).
            isRegex = !cursor.isPostfixUpdate(at: lastTokenPos - 1)
        } else if CharClass.isExpressionPunctuator(last)
            && !(last == CharClass.dot && CharClass.isDigit(beforeLast)) {
            isRegex = true
        } else if last == CharClass.rparen, let open = lastPopped() {
            isRegex = cursor.wordEnds(at: open.pos, in: CharClass.parenKeywords)
        } else if last == CharClass.rbrace, let open = lastPopped() {
            isRegex = open.kind == .classBrace || cursor.isExpressionTerminator(open.pos)
        } else if last == CharClass.slash {
            isRegex = lastSlashWasDivision
        } else if lastTokenPos < base {
            isRegex = true
        } else {
            isRegex = cursor.wordEnds(at: lastTokenPos, in: CharClass.expressionKeywords)
                || (CharClass.isIdentifierPart(last) && followsLabelledJump())
        }
        if isRegex {
            try cursor.regularExpression()
            lastSlashWasDivision = false
        } else {
            lastSlashWasDivision = true
        }
    }

    /// `break label /re/` and `continue label /re/`.
    func followsLabelledJump() -> Bool {
        var p = lastTokenPos
        while p > 0 && !CharClass.isBrOrWsOrPunctuatorNotDot(src[p - 1]) { p -= 1 }
        p -= 1
        guard p >= 0, CharClass.isWsNotBr(src[p]) else { return false }
        while p > 0 && CharClass.isWsNotBr(src[p]) { p -= 1 }
        return cursor.wordEnds(at: p, in: CharClass.breakOrContinue)
    }

    // MARK: Template literals

    /// `pos` on a backtick or on the `}` closing a substitution. Stops after `${` (pushing a template brace)
    /// or on the closing backtick (popping the template).
    mutating func templateString() throws(LexerError) {
        while true {
            pos += 1
            guard pos < count else { break }
            let ch = src[pos]
            if ch == CharClass.dollar && cursor.at(pos + 1) == CharClass.lbrace {
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
}
