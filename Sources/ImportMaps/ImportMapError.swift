/// Why a listing, rewrite or build request failed. Routes map `kind` to a status.
public struct ImportMapError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request is malformed: not an exact version, an unknown provider, a bad map (400).
        case invalid
        case notFound
        /// Offline and not cached (504).
        case offline
        /// An upstream failed or answered nonsense (502).
        case upstream
        /// The work was stopped: the client that asked for it went away.
        case cancelled
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
