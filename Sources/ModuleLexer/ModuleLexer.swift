/// Finds ES module imports and exports without building an AST, following es-module-lexer's approach,
/// so module graphs of large (minified) npm/CDN files can be traced in a single linear pass.
public enum ModuleLexer {
    /// Lexes JavaScript source text. Offsets in the result are UTF-8 byte offsets into `source.utf8`.
    public static func parse(_ source: String) throws(LexerError) -> ModuleSummary {
        var text = source
        let result: Result<ModuleSummary, LexerError> = text.withUTF8 { buffer in
            Result { () throws(LexerError) -> ModuleSummary in
                var lexer = Lexer(buffer)
                return try lexer.run()
            }
        }
        return try result.get()
    }

    /// Lexes raw UTF-8 bytes (invalid sequences are tolerated outside specifiers and repaired inside them).
    public static func parse(_ bytes: [UInt8]) throws(LexerError) -> ModuleSummary {
        let result: Result<ModuleSummary, LexerError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(LexerError) -> ModuleSummary in
                var lexer = Lexer(buffer)
                return try lexer.run()
            }
        }
        return try result.get()
    }
}
