import Storage

/// A file of an allowlisted host, normalised once: the cache key and the upstream URL come from it.
public struct CacheAddress: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    /// The decoded path, starting with `/`.
    public let path: String
    /// The query, kept only where the upstream's answer depends on it (see `keepsQuery`).
    public let query: String?

    /// `host/path[?query]`: the key of the cache entry, and what `cache purge` prefixes match.
    public var key: String { query.map { "\(host)\(path)?\($0)" } ?? "\(host)\(path)" }
    public var description: String { "https://\(key)" }

    /// The path re-encoded for the wire.
    public var encodedPath: String { CacheAddress.encode(path) }

    /// Parses what follows `/cdn/` in a request: `host/path…`, still percent-encoded, and the raw query.
    /// Hosts outside `upstreams` are refused before anything else is looked at.
    public static func parse(_ raw: Substring, query: String?, upstreams: UpstreamSet) throws(EdgeCacheError) -> CacheAddress {
        guard let slash = raw.firstIndex(of: "/") else {
            let host = String(raw).lowercased()
            if upstreams.origin(for: host) == nil { throw notAllowed(host) }
            throw EdgeCacheError(.invalidPath, "a file path is required after the host")
        }
        let host = String(raw[..<slash]).lowercased()
        guard upstreams.origin(for: host) != nil else { throw notAllowed(host) }
        let path = try normalise(raw[slash...])
        return CacheAddress(host: host, path: path, query: keptQuery(host: host, query: query))
    }

    public init(host: String, path: String, query: String?) {
        self.host = host
        self.path = path
        self.query = query
    }

    private static func notAllowed(_ host: String) -> EdgeCacheError {
        EdgeCacheError(.hostNotAllowed, "host '\(host)' is not in the upstream allowlist")
    }

    /// esm.sh builds differ by query (`?target=`, `?deps=`), api.jspm.io listings by `?provider=`,
    /// and unpkg answers `?meta` with a listing;
    /// every other host ignores the query, so it is dropped and not part of the key.
    static func keptQuery(host: String, query: String?) -> String? {
        guard let query, !query.isEmpty else { return nil }
        if host == "esm.sh" || host == "api.jspm.io" { return query }
        if host == "unpkg.com", query.split(separator: "&").contains(where: { $0 == "meta" || $0.hasPrefix("meta=") }) { return "meta" }
        return nil
    }

    /// Decodes the path once and refuses everything that could step outside the host:
    /// dot segments, empty segments (`//`), encoded or raw slashes and backslashes, NUL and
    /// control bytes, double encoding, and scheme-like prefixes.
    static func normalise(_ raw: Substring) throws(EdgeCacheError) -> String {
        func refuse(_ why: String) -> EdgeCacheError {
            EdgeCacheError(.invalidPath, "path refused: \(why)")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var iterator = raw.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(Hex.value), let low = iterator.next().flatMap(Hex.value) else {
                    throw refuse("malformed percent-encoding")
                }
                let decoded = high << 4 | low
                switch decoded {
                case UInt8(ascii: "/"), UInt8(ascii: "\\"): throw refuse("encoded slash or backslash")
                case UInt8(ascii: "%"): throw refuse("double percent-encoding")
                case UInt8(ascii: "."): throw refuse("encoded dot")
                default: bytes.append(decoded)
                }
            } else {
                bytes.append(byte)
            }
        }
        for byte in bytes where byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") {
            throw refuse(byte == UInt8(ascii: "\\") ? "backslash" : "control character")
        }
        guard let path = String(validating: bytes, as: UTF8.self) else { throw refuse("not UTF-8") }
        guard path.hasPrefix("/"), path.count > 1 else { throw refuse("empty") }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if segment == "." || segment == ".." { throw refuse("dot segment") }
            // A trailing slash names a directory listing (jsdelivr); any other empty segment is `//`.
            if segment.isEmpty && index != segments.count - 1 { throw refuse("empty segment") }
            if segment.isEmpty && segments.count == 1 { throw refuse("empty") }
        }
        // `scheme://host` already failed as an empty segment; a leading `https:` segment is refused here.
        if segments.first.map(isSchemeLike) == true {
            throw refuse("absolute URL")
        }
        return path
    }

    /// `http:`, `https:`, `file:`, `javascript:` as a first segment would turn the path into a URL.
    private static func isSchemeLike(_ segment: Substring) -> Bool {
        guard let colon = segment.firstIndex(of: ":"), colon == segment.index(before: segment.endIndex) else { return false }
        let scheme = segment[..<colon].lowercased()
        return ["http", "https", "file", "ftp", "javascript", "data", "ws", "wss"].contains(scheme)
    }

    /// Percent-encodes everything outside RFC 3986's path characters.
    public static func encode(_ path: String) -> String {
        var out = ""
        out.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            case _ where "-._~!$&'()*+,;=:@/".utf8.contains(byte):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += Hex.percentEscape(byte)
            }
        }
        return out
    }
}
