/// Wharf's URL layout, in one place: the path prefix of every area and the URLs domain code
/// writes into maps, listings, redirects and device-flow answers. Routes match the prefixes;
/// domain code asks for URLs here and never spells a path itself.
public struct WharfURLs: Sendable, Equatable {
    /// The public URL (`public_url`), without a trailing slash.
    public let base: String

    public init(publicURL: String) {
        var base = Substring(publicURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        self.base = String(base)
    }

    // MARK: path prefixes (what the routes match)

    /// `/cdn/{host}/{path}`: files of the allowlisted CDNs through the edge cache.
    public static let cdnPrefix = "/cdn/"
    /// `/@{scope}/{name}/…`: files of Wharf's JSR registry, laid out as jsr.io's.
    public static let jsrPrefix = "/@"
    /// `/api/…`: the JSR registry API, as jsr.io serves it.
    public static let jsrAPIPrefix = "/api/"
    /// `/pkg`, `/npm`, `/map`: the Eik registry's package types, each a path prefix.
    public static let eikTypes = ["pkg", "npm", "map"]
    /// The device-flow approval page.
    public static let devicePath = "/auth"
    /// The jspm.io generate API (GET and POST).
    public static let generatePath = "/generate"

    // MARK: URLs

    /// `{public_url}/cdn`: where rewritten maps point by default (`{root}/{host}/{path}`).
    public var cdnRoot: String { base + Self.cdnPrefix.dropLast() }

    /// The Wharf URL of a CDN file, from its host and path (`ga.jspm.io/npm:x@1/y.js`).
    public func cdn(_ hostAndPath: some StringProtocol) -> String { cdnRoot + "/" + hostAndPath }

    /// The path (without the public URL) of a CDN file: what a redirect's `Location` carries.
    public static func cdnPath(host: String, encodedPath: String, query: String?) -> String {
        cdnPrefix + host + encodedPath + (query.map { "?\($0)" } ?? "")
    }

    /// The host and path (with any query) of a `/cdn/` path: the inverse of `cdnPath` (a stored
    /// redirect's target).
    public static func cdnHostAndPath(_ path: String) -> Substring? {
        path.hasPrefix(cdnPrefix) ? path.dropFirst(cdnPrefix.count) : nil
    }

    /// `{public_url}/npm/`: the root of packages published to the Eik registry as `npm`.
    public var eikNPMRoot: String { base + "/npm/" }

    /// The base URL (with a trailing slash) of an Eik `npm` package version.
    public func eikNPMPackage(name: String, version: String) -> String { eikNPMRoot + name + "/" + version + "/" }

    /// `{public_url}/@`: the root of JSR packages.
    public var jsrRoot: String { base + Self.jsrPrefix }

    /// The base URL (with a trailing slash) of a JSR package version.
    public func jsrPackage(scope: String, name: String, version: String) -> String { jsrRoot + scope + "/" + name + "/" + version + "/" }

    /// The page a device-flow client sends its user to (deno adds `?code=…` itself).
    public var deviceVerification: String { base + Self.devicePath }

    /// `{public_url}/`: the scope of mappings shared by Wharf's own packages.
    public var root: String { base + "/" }

    // MARK: reading Wharf's own URLs

    /// The host and path (with any query) of a Wharf `/cdn/` URL: the inverse of `cdn(_:)`.
    public func cdnFile(_ url: String) -> Substring? {
        url.hasPrefix(cdnRoot + "/") ? url.dropFirst(cdnRoot.count + 1) : nil
    }

    /// A file of an Eik `npm` package version: name (`a` or `@s/a`), version and the path inside.
    public func eikNPMFile(_ url: String) -> (name: String, version: String, file: String)? {
        guard url.hasPrefix(eikNPMRoot) else { return nil }
        let parts = url.dropFirst(eikNPMRoot.count).split(separator: "/", omittingEmptySubsequences: false)
        let nameCount = parts.first?.hasPrefix("@") == true ? 2 : 1
        guard parts.count > nameCount else { return nil }
        return (parts.prefix(nameCount).joined(separator: "/"), String(parts[nameCount]), parts.dropFirst(nameCount + 1).joined(separator: "/"))
    }

    /// A file of a JSR package version: scope, name, version and the path inside.
    public func jsrFile(_ url: String) -> (scope: String, name: String, version: String, file: String)? {
        guard url.hasPrefix(jsrRoot) else { return nil }
        let parts = url.dropFirst(jsrRoot.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4 else { return nil }
        return (String(parts[0]), String(parts[1]), String(parts[2]), parts.dropFirst(3).joined(separator: "/"))
    }
}
