/// Reads `import` at the lexer's position: a declaration, `import(…)` or `import.meta`, recording
/// it in the lexer's imports. Entered with `pos` on the keyword's first letter; returns with `pos` on
/// the last byte it consumed (the main loop records it as the last token).
enum ImportStatement {
    static func parse(_ lexer: inout Lexer) throws(LexerError) {
        let start = lexer.pos
        lexer.pos += 6
        var ch = try lexer.cursor.skipTrivia()
        switch ch {
        case CharClass.lparen:
            try parseDynamicImport(&lexer, start: start)
        case CharClass.dot:
            lexer.pos += 1
            ch = try lexer.cursor.skipTrivia()
            if ch == UInt8(ascii: "m") && lexer.cursor.matches("eta", at: lexer.pos + 1) && !CharClass.isIdentifierPart(lexer.cursor.at(lexer.pos + 4))
                && lexer.cursor.at(lexer.lastTokenPos) != CharClass.dot {
                lexer.imports.append(Lexer.RawImport(
                    kind: .importMeta, statementStart: start, start: start, end: lexer.pos + 4,
                    statementEnd: lexer.pos + 4, specifier: nil, specifierRange: nil))
                lexer.hasModuleSyntax = true
                lexer.pos += 3
            } else {
                lexer.pos = start + 5  // not `import.meta`: lex the rest normally
            }
        default:
            let isClauseStart = CharClass.isQuote(ch) || ch == CharClass.star || ch == CharClass.lbrace
            // `import_`, `importFoo`, `{import: 1}`, `import}` … : not an import statement.
            if !isClauseStart && (lexer.pos == start + 6 || ch == 0 || CharClass.isPunctuator(ch)) {
                lexer.pos = start + 5
                return
            }
            // Import declarations only exist at the top level; anything else is e.g. a method named `import`.
            guard lexer.depth == 0 else {
                lexer.pos = start + 5
                return
            }
            while true {
                ch = try lexer.cursor.skipTrivia()
                if lexer.pos >= lexer.count {
                    throw LexerError(offset: start, message: "Unterminated import statement")
                }
                if CharClass.isQuote(ch) {
                    try readImportString(&lexer, statementStart: start, kind: .staticImport)
                    return
                }
                if ch == CharClass.lbrace {
                    try skipBindingList(&lexer, statementStart: start)
                } else {
                    lexer.pos += 1
                }
            }
        }
    }

    /// `lexer.pos` on the `(` after `import`.
    private static func parseDynamicImport(_ lexer: inout Lexer, start: Int) throws(LexerError) {
        let parenPos = lexer.pos
        lexer.push(.importParen, pos: lexer.pos, openAt: lexer.pos)
        // `a.\nimport(x)` is a method call.
        if lexer.cursor.at(lexer.lastTokenPos) == CharClass.dot { return }
        lexer.pos += 1
        let ch = try lexer.cursor.skipTrivia()
        let index = lexer.imports.count
        lexer.imports.append(Lexer.RawImport(
            kind: .dynamicImport, statementStart: start, start: lexer.pos, end: -1, statementEnd: -1,
            specifier: nil, specifierRange: nil))
        lexer.openTokens[lexer.depth - 1].importIndex = index
        let isTemplate: Bool
        if CharClass.isQuote(ch) {
            try lexer.cursor.stringLiteral()
            isTemplate = false
        } else if ch == CharClass.backtick, try plainTemplateEnd(&lexer) {
            isTemplate = true
        } else {
            lexer.pos = parenPos  // non-literal: let the main loop lex the argument
            return
        }
        let closeQuote = lexer.pos
        lexer.pos += 1
        let endPos = lexer.pos
        let next = try lexer.cursor.skipTrivia()
        guard next == CharClass.comma || next == CharClass.rparen else {
            lexer.pos = closeQuote  // e.g. `import('./x' + y)`: not a literal specifier
            return
        }
        let contents = lexer.imports[index].start + 1..<closeQuote
        lexer.imports[index].end = endPos
        lexer.imports[index].specifier = try StringDecoder.decode(lexer.src, contents, template: isTemplate)
        lexer.imports[index].specifierRange = contents
        if next == CharClass.rparen {
            lexer.depth -= 1
            lexer.imports[index].statementEnd = lexer.pos + 1
        }
    }

    /// `lexer.pos` on a backtick: if the template has no `${`, moves `lexer.pos` to its closing backtick and returns true.
    private static func plainTemplateEnd(_ lexer: inout Lexer) throws(LexerError) -> Bool {
        var j = lexer.pos + 1
        while j < lexer.count {
            let c = lexer.src[j]
            if c == CharClass.backslash {
                j += 2
                continue
            }
            if c == CharClass.backtick {
                lexer.pos = j
                return true
            }
            if c == CharClass.dollar && lexer.cursor.at(j + 1) == CharClass.lbrace { return false }
            j += 1
        }
        throw LexerError(offset: lexer.pos, message: "Unterminated template literal")
    }

    /// `lexer.pos` on `{` of `import {a, b as c}`; leaves `lexer.pos` just after the matching `}`.
    private static func skipBindingList(_ lexer: inout Lexer, statementStart: Int) throws(LexerError) {
        lexer.pos += 1
        while true {
            let ch = try lexer.cursor.skipTrivia()
            if lexer.pos >= lexer.count {
                throw LexerError(offset: statementStart, message: "Unterminated import statement")
            }
            if CharClass.isQuote(ch) {
                try lexer.cursor.stringLiteral()
            } else if ch == CharClass.rbrace {
                lexer.pos += 1
                return
            }
            lexer.pos += 1
        }
    }

    /// `lexer.pos` on the specifier's opening quote. Records the import and any `with {…}` / `assert {…}` clause;
    /// leaves `lexer.pos` on the closing quote or on the clause's `}`.
    static func readImportString(_ lexer: inout Lexer, statementStart: Int, kind: ImportRecord.Kind) throws(LexerError) {
        guard CharClass.isQuote(lexer.cursor.at(lexer.pos)) else {
            throw LexerError(offset: lexer.pos, message: "Expected a module specifier string")
        }
        let start = lexer.pos + 1
        try lexer.cursor.stringLiteral()
        let end = lexer.pos
        let specifier = try StringDecoder.decode(lexer.src, start..<end)
        lexer.imports.append(Lexer.RawImport(
            kind: kind, statementStart: statementStart, start: start, end: end, statementEnd: end + 1,
            specifier: specifier, specifierRange: start..<end))
        lexer.hasModuleSyntax = true

        let save = lexer.pos
        lexer.pos += 1
        let ch = try lexer.cursor.skipTrivia()
        var isClause = false
        if ch == UInt8(ascii: "w") && lexer.cursor.matches("ith", at: lexer.pos + 1) && !CharClass.isIdentifierPart(lexer.cursor.at(lexer.pos + 4)) {
            lexer.pos += 4
            isClause = true
        } else if ch == UInt8(ascii: "a") && lexer.cursor.matches("ssert", at: lexer.pos + 1)
            && !CharClass.isIdentifierPart(lexer.cursor.at(lexer.pos + 6)) && !lexer.cursor.containsLineTerminator(save + 1..<lexer.pos) {
            // `assert` is only a clause on the same line (no ASI-free newline before it).
            lexer.pos += 6
            isClause = true
        }
        if isClause, try attributesClause(&lexer) {
            lexer.imports[lexer.imports.count - 1].statementEnd = lexer.pos + 1
        } else {
            lexer.pos = save
        }
    }

    /// `{ key: 'value', 'key': "value" }` with `lexer.pos` after `with`/`assert`; on success `lexer.pos` is on the `}`.
    private static func attributesClause(_ lexer: inout Lexer) throws(LexerError) -> Bool {
        var ch = try lexer.cursor.skipTrivia()
        guard ch == CharClass.lbrace else { return false }
        while true {
            lexer.pos += 1
            ch = try lexer.cursor.skipTrivia()
            if ch == CharClass.rbrace { return true }
            if CharClass.isQuote(ch) {
                try lexer.cursor.stringLiteral()
                lexer.pos += 1
            } else {
                let keyStart = lexer.pos
                _ = lexer.cursor.readToWsOrPunctuator()
                if lexer.pos == keyStart { return false }
            }
            ch = try lexer.cursor.skipTrivia()
            guard ch == CharClass.colon else { return false }
            lexer.pos += 1
            ch = try lexer.cursor.skipTrivia()
            guard CharClass.isQuote(ch) else { return false }
            try lexer.cursor.stringLiteral()
            lexer.pos += 1
            ch = try lexer.cursor.skipTrivia()
            if ch == CharClass.rbrace { return true }
            guard ch == CharClass.comma else { return false }
        }
    }
}
