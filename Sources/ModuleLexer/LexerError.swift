/// A source the lexer cannot tokenise (unterminated string, comment, template or regex; unbalanced brackets;
/// malformed import statement). Carries the UTF-8 byte offset so callers can point at the problem.
public struct LexerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// UTF-8 byte offset in the source where the problem was detected (usually where the construct starts).
    public var offset: Int
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "Parse error at byte \(offset): \(message)" }
}
