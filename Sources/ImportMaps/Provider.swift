/// A CDN Wharf knows the package layout of: which host serves it, how a package's root URL is
/// written, and how to recognise a package in one of its URLs.
public enum Provider: String, Sendable, CaseIterable {
    case jspm = "jspm.io"
    case unpkg
    case jsdelivr
    case esmSh = "esm.sh"
    /// Wharf's own URLs (`{public_url}/cdn/…`), for packages already in its store.
    case local

    /// The host the provider's files live on (`local` serves ga.jspm.io's layout from the cache).
    public var host: String {
        switch self {
        case .jspm, .local: "ga.jspm.io"
        case .unpkg: "unpkg.com"
        case .jsdelivr: "cdn.jsdelivr.net"
        case .esmSh: "esm.sh"
        }
    }

    /// The path of a package's root on `host`, with a trailing slash.
    public func packagePath(_ package: PackageID) -> String {
        switch self {
        case .jspm, .local: "/npm:\(package)/"
        case .unpkg, .esmSh: "/\(package)/"
        case .jsdelivr: "/npm/\(package)/"
        }
    }

    /// The start of the cache keys of every version of `name` on this provider's host.
    public func cachePrefix(name: String) -> String {
        switch self {
        case .jspm, .local: "ga.jspm.io/npm:\(name)@"
        case .unpkg, .esmSh: "\(host)/\(name)@"
        case .jsdelivr: "cdn.jsdelivr.net/npm/\(name)@"
        }
    }

    /// The provider a download listing is asked for (`?provider=` on api.jspm.io).
    public static func named(_ name: String?) -> Provider? {
        guard let name else { return .jspm }
        switch name.lowercased() {
        case "jspm.io", "jspm", "jspm.io#system": return .jspm
        case "unpkg", "unpkg.com": return .unpkg
        case "jsdelivr", "cdn.jsdelivr.net": return .jsdelivr
        case "local", "wharf": return .local
        case "esm.sh", "esmsh": return .esmSh
        default: return nil
        }
    }

    /// The providers a listing or a generated map can use (nil: jspm.io). esm.sh has neither: its
    /// URLs name no package layout Wharf can list or trace.
    public static func forListingOrMap(named name: String?) throws(ImportMapError) -> Provider {
        guard let provider = named(name) else {
            throw ImportMapError(.invalid, "unknown provider '\(name ?? "")': use jspm.io, unpkg, jsdelivr or local")
        }
        guard provider != .esmSh else {
            throw ImportMapError(.invalid, "esm.sh has no download listing or package layout: use jspm.io, unpkg, jsdelivr or local")
        }
        return provider
    }

    /// Recognises `https://ga.jspm.io/npm:name@1.2.3/…`, `https://unpkg.com/name@1.2.3/…`,
    /// `https://cdn.jsdelivr.net/npm/name@1.2.3/…` and `https://esm.sh/name@1.2.3…` (also `/v135/…`).
    /// Returns the provider, the package and the file path inside it.
    public static func locate(host: String, path: Substring) -> (Provider, PackageID, file: String)? {
        var rest = path.hasPrefix("/") ? path.dropFirst() : path
        let provider: Provider
        switch host.lowercased() {
        case "ga.jspm.io":
            guard rest.hasPrefix("npm:") else { return nil }
            rest = rest.dropFirst(4)
            provider = .jspm
        case "unpkg.com":
            provider = .unpkg
        case "cdn.jsdelivr.net":
            guard rest.hasPrefix("npm/") else { return nil }
            rest = rest.dropFirst(4)
            provider = .jsdelivr
        case "esm.sh":
            if rest.hasPrefix("v"), let slash = rest.firstIndex(of: "/"), rest[rest.index(after: rest.startIndex)..<slash].allSatisfy(\.isNumber) {
                rest = rest[rest.index(after: slash)...]
            }
            if rest.hasPrefix("stable/") { rest = rest.dropFirst(7) }
            provider = .esmSh
        default:
            return nil
        }
        // name is `@scope/name` or `name`, followed by `@version` and `/file` (or the end).
        let nameEnd: Substring.Index
        if rest.hasPrefix("@") {
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            guard let at = rest[rest.index(after: slash)...].firstIndex(of: "@") else { return nil }
            nameEnd = at
        } else {
            guard let at = rest.firstIndex(of: "@"), !rest[..<at].contains("/") else { return nil }
            nameEnd = at
        }
        let name = String(rest[..<nameEnd])
        let afterAt = rest[rest.index(after: nameEnd)...]
        let versionEnd = afterAt.firstIndex { $0 == "/" || $0 == "?" || $0 == "&" } ?? afterAt.endIndex
        guard let package = PackageID(name: name, version: String(afterAt[..<versionEnd])) else { return nil }
        var file = String(afterAt[versionEnd...])
        if file.hasPrefix("/") { file.removeFirst() }
        return (provider, package, file)
    }
}
