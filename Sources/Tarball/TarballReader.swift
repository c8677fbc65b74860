/// Reads an uploaded tarball (plain or gzip-compressed) into its regular files, refusing anything unsafe or oversized.
///
/// Built for untrusted input: every limit is checked while reading, and paths are validated before anything is returned.
public struct TarballReader: Sendable {
    public var limits: TarLimits
    /// Drop the one top-level folder every file shares (npm packs everything under `package/`).
    public var stripSingleTopFolder: Bool

    public init(limits: TarLimits = .default, stripSingleTopFolder: Bool = true) {
        self.limits = limits
        self.stripSingleTopFolder = stripSingleTopFolder
    }

    /// Convenience for `TarballReader(limits:stripSingleTopFolder:).read(bytes)`.
    public static func extract(
        _ bytes: [UInt8],
        limits: TarLimits = .default,
        stripSingleTopFolder: Bool = true
    ) throws(TarballError) -> [TarEntry] {
        try TarballReader(limits: limits, stripSingleTopFolder: stripSingleTopFolder).read(bytes)
    }

    /// The regular files in `bytes`, in archive order; when a path repeats, the last member's contents win
    /// (at the first occurrence's position), as when extracting with `tar`.
    public func read(_ bytes: [UInt8]) throws(TarballError) -> [TarEntry] {
        let parser = try parse(bytes)
        return try Self.entries(from: parser.members, stripSingleTopFolder: stripSingleTopFolder)
    }

    /// Inflates (if gzip) and parses the whole archive, enforcing every limit; the parser holds what was found.
    func parse(_ bytes: [UInt8]) throws(TarballError) -> TarStreamParser {
        guard bytes.count <= limits.maxCompressedSize else {
            throw .tooLarge("upload of \(bytes.count) bytes exceeds \(limits.maxCompressedSize) bytes")
        }
        var parser = TarStreamParser(limits: limits)
        if GzipInflater.isGzip(bytes) {
            try GzipInflater.inflate(bytes, limits: limits) { (window) throws(TarballError) -> GzipInflater.Demand in
                try parser.consume(window)
                return parser.isFinished ? .drain : .more
            }
        } else {
            try parser.consume(bytes[...])
        }
        _ = try parser.finish()
        return parser
    }

    static func entries(
        from members: [TarStreamParser.Member],
        stripSingleTopFolder: Bool
    ) throws(TarballError) -> [TarEntry] {
        var paths: [[String]] = []
        paths.reserveCapacity(members.count)
        for member in members {
            paths.append(try TarPath.segments(member.path))
        }
        if stripSingleTopFolder, let top = paths.first?.first,
           paths.allSatisfy({ $0.count >= 2 && $0[0] == top }) {
            paths = paths.map { Array($0.dropFirst()) }
        }
        var entries: [TarEntry] = []
        var positions: [String: Int] = [:]
        for (member, segments) in zip(members, paths) {
            let entry = TarEntry(
                path: segments.joined(separator: "/"),
                bytes: member.bytes,
                mode: member.mode,
                modified: member.modified
            )
            if let position = positions[entry.path] {
                entries[position] = entry
            } else {
                positions[entry.path] = entries.count
                entries.append(entry)
            }
        }
        return entries
    }
}
