/// Reads `export` at the lexer's position, recording the names it exports (and `export … from` as
/// an import). Entered with `pos` on the keyword's first letter; returns with `pos` on the last byte
/// it consumed.
enum ExportStatement {
    static func parse(_ lexer: inout Lexer) throws(LexerError) {
        let start = lexer.pos
        lexer.pos += 6
        let afterKeyword = lexer.pos
        var ch = try lexer.cursor.skipTrivia()
        // `lexer.exports.x = 1`, `export$`: an identifier, not the keyword.
        if lexer.pos == afterKeyword && !CharClass.isPunctuator(ch) {
            lexer.pos = start + 5
            return
        }
        lexer.hasModuleSyntax = true
        if ch == CharClass.lbrace {
            lexer.pos += 1
            ch = try lexer.cursor.skipTrivia()
            while true {
                if lexer.pos >= lexer.count {
                    throw LexerError(offset: start, message: "Unterminated export statement")
                }
                let nameStart = lexer.pos
                let name = try readModuleExportName(&lexer)
                let nameEnd = lexer.pos
                _ = try lexer.cursor.skipTrivia()
                ch = try readExportAs(&lexer, name: name, nameStart: nameStart, nameEnd: nameEnd)
                if ch == CharClass.comma {
                    lexer.pos += 1
                    ch = try lexer.cursor.skipTrivia()
                }
                if ch == CharClass.rbrace { break }
                if lexer.pos == nameStart {
                    throw LexerError(offset: lexer.pos, message: "Unexpected character in export list")
                }
            }
            lexer.pos += 1
            ch = try lexer.cursor.skipTrivia()
        } else if ch == CharClass.star {
            lexer.pos += 1
            _ = try lexer.cursor.skipTrivia()
            _ = try readExportAs(&lexer, name: nil, nameStart: lexer.pos, nameEnd: lexer.pos)
            ch = try lexer.cursor.skipTrivia()
        } else {
            try parseExportDeclaration(&lexer, statementStart: start)
            return
        }
        if ch == UInt8(ascii: "f") && lexer.cursor.matches("rom", at: lexer.pos + 1) && !CharClass.isIdentifierPart(lexer.cursor.at(lexer.pos + 4)) {
            lexer.pos += 4
            _ = try lexer.cursor.skipTrivia()
            try ImportStatement.readImportString(&lexer, statementStart: start, kind: .exportFrom)
        } else {
            lexer.pos -= 1
        }
    }

    /// Reads an identifier or string export name at `lexer.pos`, leaving `lexer.pos` just after it.
    private static func readModuleExportName(_ lexer: inout Lexer) throws(LexerError) -> String {
        let nameStart = lexer.pos
        if CharClass.isQuote(lexer.cursor.at(lexer.pos)) {
            try lexer.cursor.stringLiteral()
            lexer.pos += 1
            return try StringDecoder.decode(lexer.src, nameStart + 1..<lexer.pos - 1)
        }
        _ = lexer.cursor.readToWsOrPunctuator()
        return lexer.cursor.text(nameStart..<lexer.pos)
    }

    /// `lexer.pos` on what follows an export-list entry (after trivia). Handles `as name` and records the
    /// exported name; returns the byte at `lexer.pos` afterwards.
    private static func readExportAs(_ lexer: inout Lexer, name: String?, nameStart: Int, nameEnd: Int) throws(LexerError) -> UInt8 {
        var exported = name
        var exportedStart = nameStart
        var exportedEnd = nameEnd
        var ch = lexer.cursor.at(lexer.pos)
        if ch == UInt8(ascii: "a") && lexer.cursor.at(lexer.pos + 1) == UInt8(ascii: "s") && !CharClass.isIdentifierPart(lexer.cursor.at(lexer.pos + 2)) {
            lexer.pos += 2
            _ = try lexer.cursor.skipTrivia()
            exportedStart = lexer.pos
            exported = try readModuleExportName(&lexer)
            exportedEnd = lexer.pos
            ch = try lexer.cursor.skipTrivia()
        }
        if exportedEnd > exportedStart, let exported {
            lexer.exports.append(exported)
        }
        return ch
    }

    /// `export default …`, `export [async] function[*] f`, `export class C`, `export var/let/const a, b`.
    /// `lexer.pos` is on the first letter of the declaration keyword.
    private static func parseExportDeclaration(_ lexer: inout Lexer, statementStart: Int) throws(LexerError) {
        let wordStart = lexer.pos
        _ = lexer.cursor.readToWsOrPunctuator()
        let wordEnd = lexer.pos
        switch lexer.cursor.text(wordStart..<wordEnd) {
        case "default":
            lexer.exports.append("default")
            lexer.pos = wordStart + 6  // lex the default expression normally
        case "var", "let", "const":
            while true {
                var ch = try lexer.cursor.skipTrivia()
                let nameStart = lexer.pos
                ch = lexer.cursor.readToWsOrPunctuator()
                // Destructuring patterns are not analysed (as in es-module-lexer).
                if ch == CharClass.lbrace || ch == CharClass.lbracket || lexer.pos == nameStart { break }
                lexer.exports.append(lexer.cursor.text(nameStart..<lexer.pos))
                ch = try lexer.cursor.skipTrivia()
                guard ch == CharClass.comma else { break }
                lexer.pos += 1
            }
            lexer.pos -= 1
        case "async":
            _ = try lexer.cursor.skipTrivia()
            guard lexer.cursor.matches("function", at: lexer.pos), !CharClass.isIdentifierPart(lexer.cursor.at(lexer.pos + 8)) else {
                lexer.pos = statementStart + 5
                return
            }
            lexer.pos += 8
            try exportedFunctionName(&lexer)
        case "function":
            try exportedFunctionName(&lexer)
        case "class":
            _ = try lexer.cursor.skipTrivia()
            let nameStart = lexer.pos
            _ = lexer.cursor.readToWsOrPunctuator()
            if lexer.pos > nameStart { lexer.exports.append(lexer.cursor.text(nameStart..<lexer.pos)) }
            lexer.nextBraceIsClass = true
            lexer.pos -= 1
        default:
            // TypeScript-only forms (`export type`, `export enum`, `export =`) or invalid input:
            // resume right after `export` and lex the rest as ordinary code.
            lexer.pos = statementStart + 5
        }
    }

    /// After `function`: optional `*`, then the name.
    private static func exportedFunctionName(_ lexer: inout Lexer) throws(LexerError) {
        var ch = try lexer.cursor.skipTrivia()
        if ch == CharClass.star {
            lexer.pos += 1
            ch = try lexer.cursor.skipTrivia()
        }
        let nameStart = lexer.pos
        _ = lexer.cursor.readToWsOrPunctuator()
        if lexer.pos > nameStart { lexer.exports.append(lexer.cursor.text(nameStart..<lexer.pos)) }
        lexer.pos -= 1
    }
}
