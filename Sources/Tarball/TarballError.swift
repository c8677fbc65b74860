/// Why an upload was refused; each case maps to one HTTP status so callers answer consistently.
public enum TarballError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither gzip nor a tar header: the client sent the wrong kind of file (HTTP 415).
    case notATar
    /// Looks like a tar or gzip but is broken: bad checksum, truncated, bad gzip data (HTTP 422).
    case corrupt(String)
    /// A member path that could escape or confuse the package root (HTTP 422, see `httpStatus`).
    case unsafePath(String)
    /// A size, count or compression-ratio limit was exceeded (HTTP 413).
    case tooLarge(String)

    /// The status a server should answer with.
    ///
    /// `unsafePath` is 422 rather than 400: the request itself is well formed, its content is unacceptable.
    public var httpStatus: Int {
        switch self {
        case .notATar: 415
        case .corrupt: 422
        case .unsafePath: 422
        case .tooLarge: 413
        }
    }

    public var description: String {
        switch self {
        case .notATar: "not a tar archive (expected a tar or gzip-compressed tar)"
        case .corrupt(let reason): "corrupt archive: \(reason)"
        case .unsafePath(let path): "unsafe path in archive: \"\(path)\""
        case .tooLarge(let reason): "archive too large: \(reason)"
        }
    }
}
