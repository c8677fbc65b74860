/// The single error type of the module, so callers can surface npm-style messages
/// ("Invalid version: …", "Invalid range: …") without matching on several types.
public struct SemverError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of input was rejected; lets callers branch without parsing `message`.
    public enum Kind: Sendable, Hashable {
        case invalidVersion
        case invalidRange
        case invalidComparator
    }

    public let kind: Kind
    /// Human-readable message, e.g. `Invalid version: 1.2.x`.
    public let message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalidVersion(_ input: String) -> SemverError {
        SemverError(kind: .invalidVersion, message: "Invalid version: \(input)")
    }

    static func invalidRange(_ input: String) -> SemverError {
        SemverError(kind: .invalidRange, message: "Invalid range: \(input)")
    }

    static func invalidComparator(_ input: String) -> SemverError {
        SemverError(kind: .invalidComparator, message: "Invalid comparator: \(input)")
    }
}
