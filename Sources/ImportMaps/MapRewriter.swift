import EdgeCache
import Foundation
import JSON
import ModuleLexer
import Registry
import Storage

/// Makes an import map work without the CDNs: every package its URLs point into is fetched whole
/// into the store (through its download listing) and every such URL is rewritten to Wharf (or to a
/// base URL for self-hosting). Bytes are served unchanged, so `integrity` values stay valid.
public struct MapRewriter: Sendable {
    public let listings: DownloadListings
    var fetcher: ModuleFetcher { listings.fetcher }
    /// Files fetched at once per rewrite.
    public var parallelism = 8

    public init(listings: DownloadListings) {
        self.listings = listings
    }

    public struct PackageReport: Sendable, Equatable {
        public var package: PackageID
        public var files: Int
        public var bytes: Int
        /// "cache" when every file was already stored, else "upstream".
        public var source: String
        /// The CDN URL of every file (what an export writes out).
        public var urls: [String]
    }

    public struct Outcome: Sendable {
        public var map: JSONValue
        /// Where the map's moved URLs point: `{target}/{host}/{path}`.
        public var target: String
        public var packages: [PackageReport]
        public var errors: [String]
        public var untouched: [String]
    }

    /// Progress for the command line: packages done, files and bytes so far.
    public typealias Progress = @Sendable (_ packagesDone: Int, _ packagesTotal: Int, _ bytes: Int) -> Void

    /// Rewrites `map`. URLs land at `{base}/{host}/{path}`, or `{public_url}/cdn/{host}/{path}` without a base.
    public func rewrite(_ map: JSONValue, base: String?, progress: Progress? = nil) async throws(ImportMapError) -> Outcome {
        guard case .object = map else { throw ImportMapError(.invalid, "the map must be a JSON object with imports and scopes") }
        let target = (base ?? fetcher.urls.cdnRoot).trimmingTrailingSlash
        var urls: [String] = []
        Self.visitURLs(in: map) { urls.append($0) }

        var packages: [PackageKey: Set<String>] = [:]
        var untouched: [String] = []
        // Scope keys on a CDN move with their modules even when they name no package (an origin).
        let movedScopes = Set((map["scopes"]?.objectMembers ?? []).map(\.0).filter(Self.isCDNPrefix))
        for url in urls {
            if let (provider, package, _) = Self.locate(url) {
                packages[PackageKey(provider: provider, package: package), default: []].insert(url)
            } else if !movedScopes.contains(url), !untouched.contains(url) {
                untouched.append(url)
            }
        }

        var reports: [PackageReport] = []
        var errors: [String] = []
        let ordered = packages.keys.sorted { ($0.package, $0.provider.rawValue) < ($1.package, $1.provider.rawValue) }
        for (index, key) in ordered.enumerated() {
            do {
                let report = try await fetch(key, mappedURLs: packages[key] ?? [])
                reports.append(report)
                progress?(index + 1, ordered.count, reports.reduce(0) { $0 + $1.bytes })
            } catch {
                errors.append("\(key.package) (\(key.provider.rawValue)): \(error.message)")
                progress?(index + 1, ordered.count, reports.reduce(0) { $0 + $1.bytes })
            }
        }
        let rewritten = Self.mapURLs(in: map) { url in
            Self.locate(url) == nil ? url : Self.relocate(url, to: target)
        } keys: { key in
            // Scopes (and prefix imports) on a CDN move with the modules they apply to.
            Self.locate(key) != nil || Self.isCDNPrefix(key) ? Self.relocate(key, to: target) : key
        }
        return Outcome(map: await servedIntegrity(in: rewritten, from: map, target: target), target: target, packages: reports, errors: errors, untouched: untouched)
    }

    /// Integrity values hash what their URL serves: where Wharf serves other bytes than the CDN's
    /// (a relinked module), the moved URL gets the hash of Wharf's bytes, in the same algorithm.
    private func servedIntegrity(in rewritten: JSONValue, from map: JSONValue, target: String) async -> JSONValue {
        var replaced: [String: String] = [:]
        for (url, value) in map["integrity"]?.objectMembers ?? [] {
            guard Self.locate(url) != nil, let old = value.stringValue, let dash = old.firstIndex(of: "-"),
                  let bytes = await fetcher.servedCopy(of: url),
                  let hash = Integrity.of(bytes, algorithm: String(old[..<dash]))
            else { continue }
            replaced[Self.relocate(url, to: target)] = hash
        }
        guard !replaced.isEmpty, case .object(var members) = rewritten,
              let index = members.firstIndex(where: { $0.0 == "integrity" }), case .object(let entries) = members[index].1 else { return rewritten }
        members[index].1 = .object(entries.map { url, value in (url, replaced[url].map(JSONValue.string) ?? value) })
        return .object(members)
    }

    /// Brings every file of `package` (jspm.io layout) into the store: the build request.
    public func prefetch(_ package: PackageID) async throws(ImportMapError) -> PackageReport {
        try await fetch(PackageKey(provider: .jspm, package: package), mappedURLs: [])
    }

    struct PackageKey: Hashable, Sendable {
        var provider: Provider
        var package: PackageID
    }

    /// Fetches every file of the package: its listing, or for esm.sh (which has none) the module
    /// graph traced from the mapped URLs.
    private func fetch(_ key: PackageKey, mappedURLs: Set<String>) async throws(ImportMapError) -> PackageReport {
        if key.provider == .esmSh {
            return try await trace(key.package, from: mappedURLs.sorted())
        }
        let listing = try await listings.listing(key.package, provider: key.provider)
        let base = listing.pkgUrl.hasSuffix("/") ? listing.pkgUrl : listing.pkgUrl + "/"
        let files = listing.files.map { base + $0 }
        return try await fetchAll(files, package: key.package)
    }

    /// Stores every URL of `files`, `parallelism` at a time.
    private func fetchAll(_ files: [String], package: PackageID) async throws(ImportMapError) -> PackageReport {
        let fetcher = fetcher
        // Each file's size and whether it was stored, not its bytes: a package's files are never all in memory at once.
        let results = await concurrently(files, width: parallelism) { url -> Result<(size: Int, wasStored: Bool), ImportMapError> in
            do throws(ImportMapError) {
                let file = try await Self.read(url, fetcher: fetcher, package: package)
                return .success((file.bytes.count, file.wasStored))
            } catch {
                return .failure(error)
            }
        }
        var fetched = 0, bytes = 0, allCached = true
        var failures: [String] = []
        for case (_, let result?) in results {
            switch result {
            case .success(let file):
                fetched += 1
                bytes += file.size
                allCached = allCached && file.wasStored
            case .failure(let error):
                failures.append(error.message)
            }
        }
        if let first = failures.first {
            throw ImportMapError(.upstream, failures.count == 1 ? first : "\(first) (and \(failures.count - 1) more files)")
        }
        return PackageReport(package: package, files: fetched, bytes: bytes, source: allCached ? "cache" : "upstream", urls: files)
    }

    /// esm.sh has no listing: the mapped modules are fetched, parsed with `ModuleLexer`, and every
    /// module they import (statically or by a literal dynamic import) on the same host follows.
    private func trace(_ package: PackageID, from urls: [String]) async throws(ImportMapError) -> PackageReport {
        var modules = HostModules(fetcher: fetcher, package: package)
        let walk = try await ModuleGraph.walk(from: urls, visitor: &modules, limit: 5000)
        return PackageReport(package: package, files: walk.all.count, bytes: modules.bytes, source: modules.allCached ? "cache" : "upstream", urls: walk.all)
    }

    /// The walk of an esm.sh package: modules on the same host that the mapped ones import.
    struct HostModules: ModuleGraphVisitor {
        let fetcher: ModuleFetcher
        let package: PackageID
        var bytes = 0, allCached = true

        mutating func edges(of url: String) async throws(ImportMapError) -> ModuleGraph.Edges {
            let file = try await MapRewriter.read(url, fetcher: fetcher, package: package)
            bytes += file.bytes.count
            allCached = allCached && file.wasStored
            guard let summary = try? ModuleLexer.parse(file.bytes), let base = URL(string: url) else { return .init() }
            var found: [String] = []
            for specifier in summary.staticSpecifiers + summary.dynamicSpecifiers {
                guard specifier.hasPrefix("/") || specifier.hasPrefix("./") || specifier.hasPrefix("../") || specifier.hasPrefix("https://"),
                      let resolved = URL(string: specifier, relativeTo: base)?.absoluteString,
                      URL(string: resolved)?.host == base.host else { continue }
                found.append(resolved)
            }
            return .init(statics: found)
        }
    }

    /// Brings one URL into the store: its bytes and whether it was already there.
    static func read(_ url: String, fetcher: ModuleFetcher, package: PackageID) async throws(ImportMapError) -> ModuleFetcher.Fetched {
        do {
            return try await fetcher.fetch(url)
        } catch {
            throw ImportMapError(error.kind == .offline ? .offline : .upstream, "\(package): \(error.message)")
        }
    }

    // MARK: URLs in a map

    package static func locate(_ url: String) -> (Provider, PackageID, String)? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "https" || scheme == "http", let host = components.host else { return nil }
        return Provider.locate(host: host, path: Substring(components.percentEncodedPath))
    }

    /// A URL on a CDN host Wharf knows that names no package file: an origin (`https://ga.jspm.io/`),
    /// a registry prefix (`https://ga.jspm.io/npm:`) or a package base. Map keys of this kind are
    /// scopes and prefixes that must move with the modules under them.
    package static func isCDNPrefix(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "https" || scheme == "http", let host = components.host?.lowercased() else { return false }
        // Not the system layer: its modules are not rewritten (api.jspm.io lists no system files);
        // nor deno.land, whose modules name no npm package.
        return Provider.allCases.contains { $0 != .jspmSystem && $0 != .deno && $0.host == host }
    }

    package static func relocate(_ url: String, to target: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        return target + "/" + url[schemeEnd.upperBound...]
    }

    /// Calls `body` with every URL of `imports`, `scopes` (keys and values) and `integrity` (keys).
    package static func visitURLs(in map: JSONValue, _ body: (String) -> Void) {
        for (_, value) in map["imports"]?.objectMembers ?? [] { if let url = value.stringValue { body(url) } }
        for (scope, members) in map["scopes"]?.objectMembers ?? [] {
            body(scope)
            for (_, value) in members.objectMembers ?? [] { if let url = value.stringValue { body(url) } }
        }
        for (url, _) in map["integrity"]?.objectMembers ?? [] { body(url) }
    }

    /// The same map with those URLs passed through `transform`, and the keys of `imports` and
    /// `scopes` (specifiers, scope URLs) through `keys`; order and everything else kept.
    package static func mapURLs(in map: JSONValue, _ transform: (String) -> String, keys: (String) -> String = { $0 }) -> JSONValue {
        guard case .object(let members) = map else { return map }
        return .object(members.map { key, value in
            switch key {
            case "imports":
                return (key, Self.mapValues(value, transform, keys: keys))
            case "scopes":
                guard case .object(let scopes) = value else { return (key, value) }
                return (key, .object(scopes.map { (keys($0.0), Self.mapValues($0.1, transform, keys: keys)) }))
            case "integrity":
                guard case .object(let entries) = value else { return (key, value) }
                return (key, .object(entries.map { (transform($0.0), $0.1) }))
            case "dependencyCache":
                // Module URL → its dependencies' URLs (generator 2.16.3's `dependencyCache`).
                guard case .object(let entries) = value else { return (key, value) }
                return (key, .object(entries.map { url, deps in
                    (transform(url), .array((deps.arrayValues ?? []).map { dep in dep.stringValue.map { JSONValue.string(transform($0)) } ?? dep }))
                }))
            default:
                return (key, value)
            }
        })
    }

    private static func mapValues(_ value: JSONValue, _ transform: (String) -> String, keys: (String) -> String) -> JSONValue {
        guard case .object(let entries) = value else { return value }
        return .object(entries.map { key, value in
            if case .string(let url) = value { return (keys(key), .string(transform(url))) }
            return (keys(key), value)
        })
    }
}

extension String {
    var trimmingTrailingSlash: String {
        var s = self
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }
}
