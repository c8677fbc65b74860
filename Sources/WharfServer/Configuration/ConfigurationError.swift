/// A proxy.conf or command-line mistake, reported with the key (and line) it concerns.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
