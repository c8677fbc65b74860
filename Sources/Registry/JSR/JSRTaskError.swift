/// Why a publishing task failed, with jsr.io's task error code (the API shows it as `error: {code, message}`).
///
/// A plain code string rather than an enum: the codes are jsr.io's, and clients match on them verbatim.
public struct JSRTaskError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
