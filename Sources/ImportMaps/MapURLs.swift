import Foundation
import JSON

/// Where a generated map lives and how its URLs are written: JSPM Generator 2.16.3's (and 2.5.1's) `mapUrl`,
/// `baseUrl` and `rootUrl` with its defaults, and @jspm/import-map's `resolve` and `rebase` (a URL
/// under `rootUrl` is written `/…`, one on the map's origin relative to the map's folder, others whole).
public struct MapURLs: Sendable, Equatable {
    /// The folder of `mapUrl` (JSPM makes it a directory); nil: no URL is written relative to it.
    public private(set) var mapDirectory: URL?
    /// JSPM's `baseUrl` (ending in `/`): what a relative `mapUrl` or `rootUrl` resolves against.
    public private(set) var baseUrl: URL?
    /// JSPM's `rootUrl` (ending in `/`).
    public private(set) var rootUrl: URL?

    /// None given: the map's URLs are written as they are (today's output, byte for byte).
    public init() {}

    /// Nothing to rewrite.
    public var isEmpty: Bool { mapDirectory == nil && rootUrl == nil }

    /// The Generator constructor's rules: `mapUrl` alone makes `baseUrl` its folder, `baseUrl` alone
    /// is also the `mapUrl`; relative ones resolve against `baseUrl`, else `processBase` (the working
    /// directory of `wharf generate`; nil over HTTP, where a relative URL with no base is refused).
    public init(mapUrl: String?, baseUrl: String?, rootUrl: String?, processBase: URL?) throws(ImportMapError) {
        guard mapUrl != nil || baseUrl != nil || rootUrl != nil else { return }
        let given = try baseUrl.map { text throws(ImportMapError) in Self.directory(try Self.parse(text, key: "baseUrl", against: processBase), keepingLastSegment: true) }
        let map = try mapUrl.map { text throws(ImportMapError) in try Self.parse(text, key: "mapUrl", against: given ?? processBase) }
        let base = given ?? map.map { Self.directory($0, keepingLastSegment: false) } ?? processBase
        self.baseUrl = base
        mapDirectory = (map ?? base).map { Self.directory($0, keepingLastSegment: Self.path(of: $0).hasSuffix("/")) }
        self.rootUrl = try rootUrl.map { text throws(ImportMapError) in Self.directory(try Self.parse(text, key: "rootUrl", against: base), keepingLastSegment: true) }
    }

    /// The URL an option key stands for once resolved (`mapUrl`: its folder), for the request reader's checks.
    func resolved(_ key: String) -> URL? {
        switch key {
        case "baseUrl": baseUrl
        case "mapUrl": mapDirectory
        case "rootUrl": rootUrl
        default: nil
        }
    }

    // MARK: writing a map

    /// A URL of the map as it is written: resolved where it was read (the map's folder and root),
    /// then rebased for them.
    public func output(_ url: String) -> String {
        isEmpty ? url : Self.rebase(resolve(url), mapDirectory: mapDirectory, rootUrl: rootUrl)
    }

    /// A URL of the map made absolute where it can be (import-map `resolve`).
    public func resolve(_ url: String) -> String {
        Self.resolve(url, mapDirectory: mapDirectory, rootUrl: rootUrl)
    }

    /// import-map `rebase(mapUrl, rootUrl)` over a whole map: targets, scope keys, URL-like keys and
    /// integrity keys move (bare specifiers stay); each object is sorted again, as JSPM's `sort`.
    public func rebase(map: JSONValue) -> JSONValue {
        guard !isEmpty else { return map }
        let moved = MapRewriter.mapURLs(in: map, output) { key in Self.isPlain(key) ? key : output(key) }
        guard case .object(let members) = moved else { return moved }
        return .object(members.map { key, value in
            switch key {
            case "imports", "integrity", "dependencyCache": (key, Self.sorted(value))
            case "scopes": (key, Self.sorted(value, nested: true))
            default: (key, value)
            }
        })
    }

    private static func sorted(_ value: JSONValue, nested: Bool = false) -> JSONValue {
        guard case .object(let members) = value else { return value }
        return .object(members.sorted { $0.0 < $1.0 }.map { ($0.0, nested ? sorted($0.1) : $0.1) })
    }

    // MARK: import-map's URL rules

    /// `resolve(url, mapUrl, rootUrl)`: `/x` against the root (as written without one), others
    /// against the map's folder (as written without one).
    static func resolve(_ url: String, mapDirectory: URL?, rootUrl: URL?) -> String {
        if url.hasPrefix("/") {
            guard let rootUrl else { return url }
            return URL(string: "." + (url.hasPrefix("//") ? String(url.dropFirst()) : url), relativeTo: rootUrl).map(href) ?? url
        }
        guard let mapDirectory, let resolved = URL(string: url, relativeTo: mapDirectory) else { return url }
        return href(resolved)
    }

    /// `rebase(url, mapUrl, rootUrl)` of an absolute URL: under the root `/…`; above it `/../…`;
    /// on the map's origin relative to its folder; else whole.
    static func rebase(_ url: String, mapDirectory: URL?, rootUrl: URL?) -> String {
        guard let parsed = URL(string: url), parsed.scheme != nil, parsed.host != nil || parsed.scheme == "file" else { return url }
        let whole = href(parsed)
        if let rootUrl {
            let root = href(rootUrl)
            if whole.hasPrefix(root) { return String(whole.dropFirst(root.count - 1)) }
            if root.hasPrefix(whole) { return "/" + relative(parsed, to: rootUrl) }
        }
        if let mapDirectory, sameOrigin(parsed, mapDirectory) { return relative(parsed, to: mapDirectory) }
        return whole
    }

    /// import-map `relative`: `../` for each folder of `base` past the shared path, else `./`.
    static func relative(_ url: URL, to base: URL) -> String {
        let basePath = Array(path(of: base).utf8), urlPath = Array(path(of: url).utf8)
        var shared = -1
        for index in 0..<min(basePath.count, urlPath.count) {
            if basePath[index] != urlPath[index] { break }
            if urlPath[index] == UInt8(ascii: "/") { shared = index }
        }
        let backtracks = basePath[(shared + 1)...].filter { $0 == UInt8(ascii: "/") }.count
        let rest = String(decoding: urlPath[(shared + 1)...], as: UTF8.self)
        return (backtracks > 0 ? String(repeating: "../", count: backtracks) : "./") + rest + queryAndFragment(of: url)
    }

    /// JSPM's `isPlain`: not `./`, `../` or `/`, and not a URL with a scheme.
    static func isPlain(_ specifier: String) -> Bool {
        if specifier.hasPrefix("./") || specifier.hasPrefix("../") || specifier.hasPrefix("/") { return false }
        guard let colon = specifier.firstIndex(of: ":"), let first = specifier.first, first.isASCII, first.isLetter else { return true }
        return !specifier[..<colon].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && port(of: a) == port(of: b)
            && a.user == b.user && a.password == b.password
    }

    // MARK: reading the three options

    /// An absolute URL of one of the three keys: http:, https: or file:, relative ones resolved
    /// against `base` (refused without one).
    private static func parse(_ text: String, key: String, against base: URL?) throws(ImportMapError) -> URL {
        guard let relative = URL(string: text) else { throw ImportMapError(.invalid, "\(key): '\(text)' is not a URL") }
        let url: URL
        if relative.scheme != nil {
            url = relative
        } else {
            guard let base, let resolved = URL(string: text, relativeTo: base) else {
                throw ImportMapError(.invalid, "\(key): '\(text)' is relative and there is no baseUrl to resolve it against")
            }
            url = resolved.absoluteURL
        }
        switch url.scheme?.lowercased() {
        case "http", "https":
            guard url.host?.isEmpty == false else { throw ImportMapError(.invalid, "\(key): '\(text)' is not a URL") }
        case "file": break
        default: throw ImportMapError(.invalid, "\(key): '\(text)' must be an http:, https: or file: URL")
        }
        guard let normal = URL(string: href(url)) else { throw ImportMapError(.invalid, "\(key): '\(text)' is not a URL") }
        return normal
    }

    /// The folder a URL names: itself with a `/` added (baseUrl, rootUrl), or its last segment
    /// dropped (`new URL("./", mapUrl)`); without query or fragment.
    private static func directory(_ url: URL, keepingLastSegment: Bool) -> URL {
        var folder = path(of: url)
        if keepingLastSegment {
            if !folder.hasSuffix("/") { folder += "/" }
        } else if let slash = folder.lastIndex(of: "/") {
            folder = String(folder[...slash])
        } else {
            folder = "/"
        }
        return URL(string: origin(of: url) + folder) ?? url
    }

    /// A URL written as WHATWG's `href` writes it: lower-case scheme and host, no default port, `/` for an empty path.
    static func href(_ url: URL) -> String {
        origin(of: url) + path(of: url) + queryAndFragment(of: url)
    }

    /// `?query#fragment` as written (percent-encoded), each only when present.
    private static func queryAndFragment(of url: URL) -> String {
        let components = URLComponents(url: url.absoluteURL, resolvingAgainstBaseURL: true)
        return (components?.percentEncodedQuery.map { "?" + $0 } ?? "") + (components?.percentEncodedFragment.map { "#" + $0 } ?? "")
    }

    private static func origin(of url: URL) -> String {
        let url = url.absoluteURL
        let scheme = url.scheme?.lowercased() ?? ""
        var authority = ""
        if let user = url.user { authority += user + (url.password.map { ":" + $0 } ?? "") + "@" }
        authority += url.host?.lowercased() ?? ""
        if let port = port(of: url) { authority += ":\(port)" }
        return scheme + "://" + authority
    }

    private static func path(of url: URL) -> String {
        let path = URLComponents(url: url.absoluteURL, resolvingAgainstBaseURL: true)?.percentEncodedPath ?? ""
        return path.isEmpty ? "/" : path
    }

    private static func port(of url: URL) -> Int? {
        switch (url.scheme?.lowercased(), url.port) {
        case ("http"?, 80?), ("https"?, 443?): nil
        case (_, let port): port
        }
    }
}
