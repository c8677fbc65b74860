/// Why a registry operation failed. Routes map `kind` to a status; the message goes to the client.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request names something invalid: a package name, a version, a field (400).
        case invalid
        /// No credentials, or credentials that do not check out (401).
        case unauthorized
        case notFound
        /// The version, alias or map exists already, or is not newer than its major's latest (409).
        case conflict
        /// Over a size, count or ratio limit (413).
        case tooLarge
        /// Not a tar, tar.gz or JSON import map (415).
        case unsupportedMedia
        /// An archive entry could not be read (422).
        case unprocessable
        /// The store failed (502, as the Eik server answers when its sink fails).
        case storage
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
