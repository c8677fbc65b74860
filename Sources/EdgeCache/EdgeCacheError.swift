/// Why the edge cache could not answer. The server maps `kind` to an HTTP status in one place.
public struct EdgeCacheError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The host is not in `[upstreams]`; nothing was sent anywhere.
        case hostNotAllowed
        /// The path tries to leave its host (`..`, encoded slashes, absolute-URL tricks) or is empty.
        case invalidPath
        /// Offline and not in the cache.
        case offlineMiss
        /// The origin could not be reached, timed out, or cut the body short.
        case upstreamUnavailable
        /// The origin answered with a status Wharf does not cache (5xx, 401, …).
        case upstreamStatus(Int)
        /// The origin redirected to a host outside the allowlist; the redirect was not followed.
        case redirectNotAllowed
        /// The object is larger than `max_object_size`.
        case objectTooLarge
        /// The store failed underneath.
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
