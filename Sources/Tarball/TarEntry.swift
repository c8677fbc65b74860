#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One regular file from an archive: what a registry stores and serves, nothing else.
///
/// Directories, links and devices are never kept, so a path here always names file bytes.
public struct TarEntry: Sendable, Equatable {
    /// Relative to the package root, `/`-separated, with no `.`, `..` or empty segments.
    public var path: String
    public var bytes: [UInt8]
    /// Permission bits (`0o7777` at most) as recorded in the archive, if it recorded them.
    public var mode: UInt32?
    /// Modification time as recorded in the archive (PAX `mtime` wins over the header's).
    public var modified: Date?

    public init(path: String, bytes: [UInt8], mode: UInt32? = nil, modified: Date? = nil) {
        self.path = path
        self.bytes = bytes
        self.mode = mode
        self.modified = modified
    }
}
