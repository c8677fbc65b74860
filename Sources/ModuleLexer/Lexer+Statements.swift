/// `import` / `export` recognition for `Lexer`: each routine is entered with `pos` on the keyword's first
/// letter and returns with `pos` on the last byte it consumed (the main loop records it as the last token).
extension Lexer {
    // MARK: import

    mutating func parseImport() throws(LexerError) {
        let start = pos
        pos += 6
        var ch = try skipTrivia()
        switch ch {
        case CharClass.lparen:
            try parseDynamicImport(start: start)
        case CharClass.dot:
            pos += 1
            ch = try skipTrivia()
            if ch == UInt8(ascii: "m") && matches("eta", at: pos + 1) && !CharClass.isIdentifierPart(at(pos + 4))
                && at(lastTokenPos) != CharClass.dot {
                imports.append(RawImport(
                    kind: .importMeta, statementStart: start, start: start, end: pos + 4,
                    statementEnd: pos + 4, specifier: nil, specifierRange: nil))
                hasModuleSyntax = true
                pos += 3
            } else {
                pos = start + 5  // not `import.meta`: lex the rest normally
            }
        default:
            let isClauseStart = CharClass.isQuote(ch) || ch == CharClass.star || ch == CharClass.lbrace
            // `import_`, `importFoo`, `{import: 1}`, `import}` … : not an import statement.
            if !isClauseStart && (pos == start + 6 || ch == 0 || CharClass.isPunctuator(ch)) {
                pos = start + 5
                return
            }
            // Import declarations only exist at the top level; anything else is e.g. a method named `import`.
            guard depth == 0 else {
                pos = start + 5
                return
            }
            while true {
                ch = try skipTrivia()
                if pos >= count {
                    throw LexerError(offset: start, message: "Unterminated import statement")
                }
                if CharClass.isQuote(ch) {
                    try readImportString(statementStart: start, kind: .staticImport)
                    return
                }
                if ch == CharClass.lbrace {
                    try skipBindingList(statementStart: start)
                } else {
                    pos += 1
                }
            }
        }
    }

    /// `pos` on the `(` after `import`.
    private mutating func parseDynamicImport(start: Int) throws(LexerError) {
        let parenPos = pos
        push(.importParen, pos: pos, openAt: pos)
        // `a.\nimport(x)` is a method call.
        if at(lastTokenPos) == CharClass.dot { return }
        pos += 1
        let ch = try skipTrivia()
        let index = imports.count
        imports.append(RawImport(
            kind: .dynamicImport, statementStart: start, start: pos, end: -1, statementEnd: -1,
            specifier: nil, specifierRange: nil))
        openTokens[depth - 1].importIndex = index
        let isTemplate: Bool
        if CharClass.isQuote(ch) {
            try stringLiteral()
            isTemplate = false
        } else if ch == CharClass.backtick, try plainTemplateEnd() {
            isTemplate = true
        } else {
            pos = parenPos  // non-literal: let the main loop lex the argument
            return
        }
        let closeQuote = pos
        pos += 1
        let endPos = pos
        let next = try skipTrivia()
        guard next == CharClass.comma || next == CharClass.rparen else {
            pos = closeQuote  // e.g. `import('./x' + y)`: not a literal specifier
            return
        }
        let contents = imports[index].start + 1..<closeQuote
        imports[index].end = endPos
        imports[index].specifier = try StringDecoder.decode(src, contents, template: isTemplate)
        imports[index].specifierRange = contents
        if next == CharClass.rparen {
            depth -= 1
            imports[index].statementEnd = pos + 1
        }
    }

    /// `pos` on a backtick: if the template has no `${`, moves `pos` to its closing backtick and returns true.
    private mutating func plainTemplateEnd() throws(LexerError) -> Bool {
        var j = pos + 1
        while j < count {
            let c = src[j]
            if c == CharClass.backslash {
                j += 2
                continue
            }
            if c == CharClass.backtick {
                pos = j
                return true
            }
            if c == CharClass.dollar && at(j + 1) == CharClass.lbrace { return false }
            j += 1
        }
        throw LexerError(offset: pos, message: "Unterminated template literal")
    }

    /// `pos` on `{` of `import {a, b as c}`; leaves `pos` just after the matching `}`.
    private mutating func skipBindingList(statementStart: Int) throws(LexerError) {
        pos += 1
        while true {
            let ch = try skipTrivia()
            if pos >= count {
                throw LexerError(offset: statementStart, message: "Unterminated import statement")
            }
            if CharClass.isQuote(ch) {
                try stringLiteral()
            } else if ch == CharClass.rbrace {
                pos += 1
                return
            }
            pos += 1
        }
    }

    /// `pos` on the specifier's opening quote. Records the import and any `with {…}` / `assert {…}` clause;
    /// leaves `pos` on the closing quote or on the clause's `}`.
    mutating func readImportString(statementStart: Int, kind: ImportRecord.Kind) throws(LexerError) {
        guard CharClass.isQuote(at(pos)) else {
            throw LexerError(offset: pos, message: "Expected a module specifier string")
        }
        let start = pos + 1
        try stringLiteral()
        let end = pos
        let specifier = try StringDecoder.decode(src, start..<end)
        imports.append(RawImport(
            kind: kind, statementStart: statementStart, start: start, end: end, statementEnd: end + 1,
            specifier: specifier, specifierRange: start..<end))
        hasModuleSyntax = true

        let save = pos
        pos += 1
        let ch = try skipTrivia()
        var isClause = false
        if ch == UInt8(ascii: "w") && matches("ith", at: pos + 1) && !CharClass.isIdentifierPart(at(pos + 4)) {
            pos += 4
            isClause = true
        } else if ch == UInt8(ascii: "a") && matches("ssert", at: pos + 1)
            && !CharClass.isIdentifierPart(at(pos + 6)) && !containsLineTerminator(save + 1..<pos) {
            // `assert` is only a clause on the same line (no ASI-free newline before it).
            pos += 6
            isClause = true
        }
        if isClause, try attributesClause() {
            imports[imports.count - 1].statementEnd = pos + 1
        } else {
            pos = save
        }
    }

    /// `{ key: 'value', 'key': "value" }` with `pos` after `with`/`assert`; on success `pos` is on the `}`.
    private mutating func attributesClause() throws(LexerError) -> Bool {
        var ch = try skipTrivia()
        guard ch == CharClass.lbrace else { return false }
        while true {
            pos += 1
            ch = try skipTrivia()
            if ch == CharClass.rbrace { return true }
            if CharClass.isQuote(ch) {
                try stringLiteral()
                pos += 1
            } else {
                let keyStart = pos
                _ = readToWsOrPunctuator()
                if pos == keyStart { return false }
            }
            ch = try skipTrivia()
            guard ch == CharClass.colon else { return false }
            pos += 1
            ch = try skipTrivia()
            guard CharClass.isQuote(ch) else { return false }
            try stringLiteral()
            pos += 1
            ch = try skipTrivia()
            if ch == CharClass.rbrace { return true }
            guard ch == CharClass.comma else { return false }
        }
    }

    // MARK: export

    mutating func parseExport() throws(LexerError) {
        let start = pos
        pos += 6
        let afterKeyword = pos
        var ch = try skipTrivia()
        // `exports.x = 1`, `export$`: an identifier, not the keyword.
        if pos == afterKeyword && !CharClass.isPunctuator(ch) {
            pos = start + 5
            return
        }
        hasModuleSyntax = true
        if ch == CharClass.lbrace {
            pos += 1
            ch = try skipTrivia()
            while true {
                if pos >= count {
                    throw LexerError(offset: start, message: "Unterminated export statement")
                }
                let nameStart = pos
                let name = try readModuleExportName()
                let nameEnd = pos
                _ = try skipTrivia()
                ch = try readExportAs(name: name, nameStart: nameStart, nameEnd: nameEnd)
                if ch == CharClass.comma {
                    pos += 1
                    ch = try skipTrivia()
                }
                if ch == CharClass.rbrace { break }
                if pos == nameStart {
                    throw LexerError(offset: pos, message: "Unexpected character in export list")
                }
            }
            pos += 1
            ch = try skipTrivia()
        } else if ch == CharClass.star {
            pos += 1
            _ = try skipTrivia()
            _ = try readExportAs(name: nil, nameStart: pos, nameEnd: pos)
            ch = try skipTrivia()
        } else {
            try parseExportDeclaration(statementStart: start)
            return
        }
        if ch == UInt8(ascii: "f") && matches("rom", at: pos + 1) && !CharClass.isIdentifierPart(at(pos + 4)) {
            pos += 4
            _ = try skipTrivia()
            try readImportString(statementStart: start, kind: .exportFrom)
        } else {
            pos -= 1
        }
    }

    /// Reads an identifier or string export name at `pos`, leaving `pos` just after it.
    private mutating func readModuleExportName() throws(LexerError) -> String {
        let nameStart = pos
        if CharClass.isQuote(at(pos)) {
            try stringLiteral()
            pos += 1
            return try StringDecoder.decode(src, nameStart + 1..<pos - 1)
        }
        _ = readToWsOrPunctuator()
        return text(nameStart..<pos)
    }

    /// `pos` on what follows an export-list entry (after trivia). Handles `as name` and records the
    /// exported name; returns the byte at `pos` afterwards.
    private mutating func readExportAs(name: String?, nameStart: Int, nameEnd: Int) throws(LexerError) -> UInt8 {
        var exported = name
        var exportedStart = nameStart
        var exportedEnd = nameEnd
        var ch = at(pos)
        if ch == UInt8(ascii: "a") && at(pos + 1) == UInt8(ascii: "s") && !CharClass.isIdentifierPart(at(pos + 2)) {
            pos += 2
            _ = try skipTrivia()
            exportedStart = pos
            exported = try readModuleExportName()
            exportedEnd = pos
            ch = try skipTrivia()
        }
        if exportedEnd > exportedStart, let exported {
            exports.append(exported)
        }
        return ch
    }

    /// `export default …`, `export [async] function[*] f`, `export class C`, `export var/let/const a, b`.
    /// `pos` is on the first letter of the declaration keyword.
    private mutating func parseExportDeclaration(statementStart: Int) throws(LexerError) {
        let wordStart = pos
        _ = readToWsOrPunctuator()
        let wordEnd = pos
        switch text(wordStart..<wordEnd) {
        case "default":
            exports.append("default")
            pos = wordStart + 6  // lex the default expression normally
        case "var", "let", "const":
            while true {
                var ch = try skipTrivia()
                let nameStart = pos
                ch = readToWsOrPunctuator()
                // Destructuring patterns are not analysed (as in es-module-lexer).
                if ch == CharClass.lbrace || ch == CharClass.lbracket || pos == nameStart { break }
                exports.append(text(nameStart..<pos))
                ch = try skipTrivia()
                guard ch == CharClass.comma else { break }
                pos += 1
            }
            pos -= 1
        case "async":
            _ = try skipTrivia()
            guard matches("function", at: pos), !CharClass.isIdentifierPart(at(pos + 8)) else {
                pos = statementStart + 5
                return
            }
            pos += 8
            try exportedFunctionName()
        case "function":
            try exportedFunctionName()
        case "class":
            _ = try skipTrivia()
            let nameStart = pos
            _ = readToWsOrPunctuator()
            if pos > nameStart { exports.append(text(nameStart..<pos)) }
            nextBraceIsClass = true
            pos -= 1
        default:
            // TypeScript-only forms (`export type`, `export enum`, `export =`) or invalid input:
            // resume right after `export` and lex the rest as ordinary code.
            pos = statementStart + 5
        }
    }

    /// After `function`: optional `*`, then the name.
    private mutating func exportedFunctionName() throws(LexerError) {
        var ch = try skipTrivia()
        if ch == CharClass.star {
            pos += 1
            ch = try skipTrivia()
        }
        let nameStart = pos
        _ = readToWsOrPunctuator()
        if pos > nameStart { exports.append(text(nameStart..<pos)) }
        pos -= 1
    }
}
