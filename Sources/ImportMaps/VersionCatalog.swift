import EdgeCache
import JSON
import Semver

/// The versions of npm packages, from packuments fetched through the edge cache (the
/// `registry.npmjs.org` upstream). Offline, only versions whose files the store holds count:
/// a range never resolves to a version Wharf could not serve.
struct VersionCatalog: Sendable {
    let fetcher: ModuleFetcher
    var cache: EdgeCache { fetcher.cache }
    /// Whose cached files count offline.
    var providers: ProviderTable

    struct Versions: Sendable {
        var all: [Version]
        var distTags: [String: String]
    }

    func versions(of name: String) async throws(ImportMapError) -> Versions {
        if fetcher.isOffline { return try cachedVersions(of: name) }
        let address = CacheAddress(host: "registry.npmjs.org", path: "/\(name)", query: nil)
        let bytes: [UInt8]
        do {
            bytes = try await fetcher.fetch(address).bytes
        } catch where error.kind == .notFound {
            // No such package: no versions, so the caller answers JSPM's "Unable to resolve" message.
            return Versions(all: [], distTags: [:])
        }
        guard let json = try? JSONValue.parse(bytes), let versions = json["versions"]?.objectMembers else {
            throw ImportMapError(.upstream, "the npm registry sent an unreadable packument for \(name)")
        }
        var tags: [String: String] = [:]
        for (tag, value) in json["dist-tags"]?.objectMembers ?? [] { tags[tag] = value.stringValue }
        return Versions(all: versions.compactMap { Version($0.0) }, distTags: tags)
    }

    /// Versions with a cached package.json on the provider's host (what offline generation can serve).
    private func cachedVersions(of name: String) throws(ImportMapError) -> Versions {
        let prefix = providers.cachePrefix(name: name)
        let keys: [String]
        do { keys = try cache.maintenance.keys(prefix: prefix) } catch { throw ImportMapError(.upstream, "could not read the store: \(error)") }
        var found = Set<Version>()
        for key in keys where key.hasSuffix("/package.json") {
            let rest = key.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/"), let version = Version(String(rest[..<slash])) { found.insert(version) }
        }
        return Versions(all: found.sorted(), distTags: [:])
    }

    /// npm's choice for `range`: nil → the `latest` tag (or the highest stable), "" → the highest
    /// including prereleases (`name@`), otherwise a version, range or tag.
    static func pick(_ range: String?, from versions: Versions) -> Version? {
        guard let range else {
            if let latest = versions.distTags["latest"].flatMap(Version.init), versions.all.contains(latest) { return latest }
            return versions.all.filter { !$0.isPrerelease }.max() ?? versions.all.max()
        }
        if range.isEmpty { return versions.all.max() }
        return VersionSpecifier.parse(range).resolve(versions: versions.all, distTags: versions.distTags)
    }
}
