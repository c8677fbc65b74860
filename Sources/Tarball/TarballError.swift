/// Why an archive was refused. Callers decide what each case means to their clients.
public enum TarballError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither gzip nor a tar header: the client sent the wrong kind of file.
    case notATar
    /// Looks like a tar or gzip but is broken: bad checksum, truncated, bad gzip data.
    case corrupt(String)
    /// A member path that could escape or confuse the package root.
    case unsafePath(String)
    /// A size, count or compression-ratio limit was exceeded.
    case tooLarge(String)

    public var description: String {
        switch self {
        case .notATar: "not a tar archive (expected a tar or gzip-compressed tar)"
        case .corrupt(let reason): "corrupt archive: \(reason)"
        case .unsafePath(let path): "unsafe path in archive: \"\(path)\""
        case .tooLarge(let reason): "archive too large: \(reason)"
        }
    }
}
