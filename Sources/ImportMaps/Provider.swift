import Foundation

/// A CDN Wharf knows the package layout of: which host serves it, how a package's root URL is
/// written, and how to recognise a package in one of its URLs.
public enum Provider: String, Sendable, CaseIterable {
    case jspm = "jspm.io"
    /// jspm.io's System.register layer (JSPM's `jspm.io#system`): the same builds as System modules.
    case jspmSystem = "jspm.io#system"
    case unpkg
    case jsdelivr
    case esmSh = "esm.sh"
    /// JSPM's `deno`: deno.land/x and std modules (`DenoInstalls`); npm packages are not its.
    case deno
    /// Wharf's own URLs (`{public_url}/cdn/…`), for packages already in its store.
    case local
    /// JSPM's `nodemodules`: `node_modules` folders on the local disk (`NodeModules`), for `wharf generate`.
    case nodeModules = "nodemodules"

    /// The host the provider's files live on (`local` serves ga.jspm.io's layout from the cache;
    /// `nodemodules` has none: its files are on the local disk).
    public var host: String {
        switch self {
        case .jspm, .local: "ga.jspm.io"
        case .jspmSystem: "ga.system.jspm.io"
        case .unpkg: "unpkg.com"
        case .jsdelivr: "cdn.jsdelivr.net"
        case .esmSh: "esm.sh"
        case .deno: "deno.land"
        case .nodeModules: ""
        }
    }

    /// The path of a package's root on `host`, with a trailing slash. esm.sh's `*` (as JSPM
    /// writes it) asks esm.sh to leave every dependency external, so the map maps and dedupes them.
    public func packagePath(_ package: PackageID) -> String {
        namePath(package.name) + "\(package.version)/"
    }

    /// The path up to a package's version: `/npm:name@` on jspm.io, `/*name@` on esm.sh.
    func namePath(_ name: String) -> String {
        switch self {
        case .jspm, .jspmSystem, .local: "/npm:\(name)@"
        case .unpkg: "/\(name)@"
        case .esmSh: "/*\(name)@"
        case .jsdelivr: "/npm/\(name)@"
        case .deno: "/x/\(name)@"
        // Never a URL: a package's folder is found on disk (`NodeModules`), not written from its version.
        case .nodeModules: "/node_modules/\(name)@"
        }
    }

    /// The provider a download listing is asked for (`?provider=` on api.jspm.io).
    public static func named(_ name: String?) -> Provider? {
        guard let name else { return .jspm }
        switch name.lowercased() {
        case "jspm.io", "jspm": return .jspm
        case "jspm.io#system": return .jspmSystem
        case "unpkg", "unpkg.com": return .unpkg
        case "jsdelivr", "cdn.jsdelivr.net": return .jsdelivr
        case "local", "wharf": return .local
        case "esm.sh", "esmsh": return .esmSh
        case "deno": return .deno
        default: return nil
        }
    }

    /// The providers a download listing can be asked of (nil: jspm.io); the system layer lists
    /// jspm.io's files. esm.sh has no listing.
    public static func forListing(named name: String?) throws(ImportMapError) -> Provider {
        let provider = try forMap(named: name)
        guard provider != .esmSh, provider != .deno, provider != .nodeModules else {
            throw ImportMapError(.invalid, "\(provider.rawValue) has no download listing: use jspm.io, unpkg, jsdelivr or local")
        }
        return provider == .jspmSystem ? .jspm : provider
    }

    /// The providers a generated map can use (nil: jspm.io), by JSPM's names. `nodemodules` is one
    /// (`GenerateRequest` refuses it over HTTP).
    public static func forMap(named name: String?) throws(ImportMapError) -> Provider {
        if let provider = named(name) { return provider }
        switch name?.lowercased() {
        case "nodemodules": return .nodeModules
        case "skypack", "node":
            throw ImportMapError(.invalid, "unsupported provider \(name ?? ""): use jspm.io, jspm.io#system, unpkg, jsdelivr, esm.sh, deno or local")
        default:
            throw ImportMapError(.invalid, "unknown provider '\(name ?? "")': use jspm.io, jspm.io#system, unpkg, jsdelivr, esm.sh, deno or local")
        }
    }

    /// The provider whose CDN serves the package URL `url`, as JSPM's `providerNameForUrl` tells
    /// them apart (`https://unpkg.com/name@1.2.3/…` → unpkg); nil for any other URL.
    public static func serving(_ url: String) -> Provider? {
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "https",
              let host = components.host?.lowercased() else { return nil }
        let path = Substring(components.percentEncodedPath)
        if host == "ga.system.jspm.io" { return Provider.jspmSystem.package(inPath: path) != nil ? .jspmSystem : nil }
        if host == "deno.land" { return path.hasPrefix("/x/") || path.hasPrefix("/std@") ? .deno : nil }
        return locate(host: host, path: path)?.0
    }

    /// Recognises `https://ga.jspm.io/npm:name@1.2.3/…`, `https://unpkg.com/name@1.2.3/…`,
    /// `https://cdn.jsdelivr.net/npm/name@1.2.3/…` and `https://esm.sh/name@1.2.3…` (also `/v135/…`
    /// and JSPM's `/*name@1.2.3/…`). Returns the provider, the package and the file path inside it.
    public static func locate(host: String, path: Substring) -> (Provider, PackageID, file: String)? {
        let provider: Provider
        switch host.lowercased() {
        case "ga.jspm.io": provider = .jspm
        case "unpkg.com": provider = .unpkg
        case "cdn.jsdelivr.net": provider = .jsdelivr
        case "esm.sh": provider = .esmSh
        default: return nil
        }
        return provider.package(inPath: path).map { (provider, $0.0, $0.file) }
    }

    /// The package and file a path on this provider's host names (the path after the host or a
    /// configured root, with or without its leading slash).
    func package(inPath path: Substring) -> (PackageID, file: String)? {
        var rest = path.hasPrefix("/") ? path.dropFirst() : path
        switch self {
        case .jspm, .jspmSystem, .local:
            guard rest.hasPrefix("npm:") else { return nil }
            rest = rest.dropFirst(4)
        case .jsdelivr:
            guard rest.hasPrefix("npm/") else { return nil }
            rest = rest.dropFirst(4)
        case .esmSh:
            if rest.hasPrefix("v"), let slash = rest.firstIndex(of: "/"), rest[rest.index(after: rest.startIndex)..<slash].allSatisfy(\.isNumber) {
                rest = rest[rest.index(after: slash)...]
            }
            if rest.hasPrefix("stable/") { rest = rest.dropFirst(7) }
            if rest.hasPrefix("*") { rest = rest.dropFirst() }
        case .unpkg:
            break
        case .deno, .nodeModules:
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
        return (package, file)
    }
}
