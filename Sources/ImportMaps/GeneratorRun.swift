import EdgeCache
import Foundation
import JSON
import ModuleLexer
import Registry
import Semver
import URLLayout

/// The state of one generation: chosen versions, manifests, mappings and the traced graph.
struct GeneratorRun {
    let options: GenerateOptions
    let catalog: VersionCatalog
    let resolver: PackageEntryResolver
    /// Listings, and through them the fetcher: the edge cache, Wharf's URLs and registries
    /// (whose npm packages shadow the public ones of that name).
    let listings: DownloadListings
    var fetcher: ModuleFetcher { listings.fetcher }
    var urls: WharfURLs { fetcher.urls }
    var registry: EikRegistry? { fetcher.eik }
    var published: Set<PackageID> = []
    var jsrInstalls: JSRInstalls
    /// The deno provider's versions (deno.land/x and std) and package configs.
    var deno = DenoInstalls()

    var chosen: [String: [Version]] = [:]
    var manifests: [PackageID: PackageManifest] = [:]
    var fileSets: [PackageID: Set<String>] = [:]
    var imports: [(String, String)] = []
    /// scope URL → specifier → target
    var scopes: [String: [String: String]] = [:]
    var edges: [String: ModuleGraph.Edges] = [:]
    var sources: [String: [UInt8]] = [:]
    var packuments: [String: VersionCatalog.Versions] = [:]
    /// The input map's and `lock`'s versions, and the install mode that keeps them.
    var versionLock = VersionLock()
    /// `packageConfigs` by package base URL (ending in `/`).
    var packageConfigs: [String: JSONValue] = [:]

    /// The CDN each package's modules come from: its root, and its layout of package URLs.
    let providers: ProviderTable
    /// The `nodemodules` provider's disk (only `wharf generate`), and the folder of each package found there.
    let nodeModules: NodeModules?
    var nodeBases: [PackageID: String] = [:]

    init(options: GenerateOptions, listings: DownloadListings) {
        self.options = options
        self.listings = listings
        providers = ProviderTable(options)
        nodeModules = options.nodeModules
        catalog = VersionCatalog(fetcher: listings.fetcher, providers: providers)
        resolver = PackageEntryResolver(conditions: options.env)
        jsrInstalls = JSRInstalls(jsr: listings.fetcher.jsr, urls: listings.fetcher.urls)
        let run = self
        versionLock = VersionLock(inputMap: options.inputMap, lock: options.lock, mode: options.installMode, fallbacks: options.inputMapFallbacks,
                                  canonical: run.canonical) { run.locate(run.canonical($0)) }
        for (key, config) in options.packageConfigs { packageConfigs[Self.packageBase(key)] = config }
    }

    /// A `packageConfigs` key as the package base URL it names (`…/package.json` and `…/x` → `…/x/`).
    static func packageBase(_ key: String) -> String {
        let base = key.hasSuffix("/package.json") ? String(key.dropLast("package.json".count)) : key
        return base.hasSuffix("/") ? base : base + "/"
    }

    mutating func generate() async throws(ImportMapError) -> GenerateResult {
        if options.env.contains("require") { throw ImportMapError(.invalid, "the require condition is not supported: import maps load ES modules") }
        guard !options.install.isEmpty else { throw ImportMapError(.invalid, "install names no package") }
        var entries: [String] = []
        // The input map's custom scope entries hold their keys: a conflicting generated mapping
        // goes to the importer's own scope, as JSPM's extractMap does.
        for (scope, members) in versionLock.customScopes { scopes[scope, default: [:]].merge(members) { _, custom in custom } }
        // The packuments of every npm install at once (16 at a time), then their manifests: the
        // loop below finds them resolved and only decides.
        let npmTargets = options.install.filter { $0.source == .npm && !options.ignore.contains($0.key) }
        await prefetchVersions(of: npmTargets.map(\.name))
        try Self.checkCancellation()
        var firstChoices: [PackageID] = []
        for target in npmTargets where options.resolutions[target.name] == nil && target.range != nil {
            if let versions = packuments[target.name], let version = VersionCatalog.pick(target.range, from: versions),
               let package = PackageID(name: target.name, version: version.description) { firstChoices.append(package) }
        }
        await prefetchManifests(firstChoices)
        for target in options.install where !options.ignore.contains(target.key) {
            try Self.checkCancellation()
            if target.source == .jsr {
                let url = try jsrInstalls.entry(try jsrInstalls.choose(target.name, range: options.resolutions[target.name] ?? target.range), subpath: target.subpath)
                imports.append((target.key, url))
                entries.append(url)
                continue
            }
            if target.source == .deno || target.source == .denoland {
                let url = try await denoInstall(target)
                imports.append((target.key, url))
                entries.append(url)
                continue
            }
            let package = try await choose(target.name, range: options.resolutions[target.name] ?? target.range, label: target.range.map { "\(target.name)@\($0)" } ?? target.name)
            if target.allSubpaths {
                for (subpath, url) in try await exportedEntries(package) {
                    imports.append((subpath == "." ? target.alias : target.alias + subpath.dropFirst(), url))
                    entries.append(url)
                }
                continue
            }
            let url = try await entry(package, subpath: target.subpath)
            imports.append((target.key, url))
            entries.append(url)
        }
        // The input map's pins are traced again at their locked versions (JSPM's extractMap).
        for pin in versionLock.pins where !imports.contains(where: { $0.0 == pin.key }) && !options.ignore.contains(pin.key) {
            try Self.checkCancellation()
            guard let locked = versionLock.primary[pin.name] else { continue }
            let range = options.resolutions[pin.name] ?? locked.version.description
            let url = try await entry(try await choose(pin.name, range: range, label: "\(pin.name)@\(range)"), subpath: pin.subpath)
            imports.append((pin.key, url))
            entries.append(url)
        }
        let walk = try await ModuleGraph.walk(from: entries, visitor: &self)
        flattenDiskScopes()
        var map = buildMap(traced: walk.all)
        if options.integrity { map = try await addingIntegrityOfUntracedModules(to: map) }
        return GenerateResult(
            map: shaped(map),
            staticDeps: walk.statics.map { relocate($0) },
            dynamicDeps: walk.dynamics.map { relocate($0) },
            graph: options.graph ? graphJSON() : nil
        )
    }

    // MARK: versions

    /// JSPM's installer: for a dependency of the package at `scope` (nil: a top-level install),
    /// its locked version when kept (`VersionLock`); else the highest version locked or already
    /// chosen in range (not for top-level installs under `latest`); else the highest match.
    /// `importedFrom` names the module that asked, for the error, as JSPM's message does.
    mutating func choose(_ name: String, range: String?, label: String, importedFrom: String? = nil, scope: String? = nil) async throws(ImportMapError) -> PackageID {
        if isOnDisk(name) { return try chooseOnDisk(name, label: label, importedFrom: importedFrom, scope: scope) }
        let parsed = try? Semver.Range(range ?? "*")
        // A resolution is authoritative: only versions in its range count (installer.ts).
        let local = publishedVersions(of: name)
        if let scope, options.resolutions[name] == nil, let kept = versionLock.kept(name, range: parsed, scope: scope) {
            return use(kept, isPublished: !local.isEmpty)
        }
        if scope != nil || versionLock.topLevelUsesExisting, let parsed,
           let best = (versionLock.versions(of: name) + (chosen[name] ?? [])).filter({ parsed.satisfies($0) }).max(),
           let package = PackageID(name: name, version: best.description) {
            return use(package, isPublished: !local.isEmpty)
        }
        let versions: VersionCatalog.Versions
        if !local.isEmpty {
            versions = VersionCatalog.Versions(all: local, distTags: [:])
        } else if let known = packuments[name] {
            versions = known
        } else {
            versions = try await catalog.versions(of: name)
            packuments[name] = versions
        }
        guard let version = VersionCatalog.pick(range, from: versions), let package = PackageID(name: name, version: version.description) else {
            throw ImportMapError(.notFound, "Unable to resolve npm:\(label) to a valid version" + (importedFrom.map { " imported from \(relocate($0))" } ?? ""))
        }
        if local.isEmpty { try providers.checkAllowed(package, by: fetcher.cache.configuration.upstreams) }
        return use(package, isPublished: !local.isEmpty)
    }

    /// Records the version chosen for a package (`isPublished`: it is one of Wharf's registry's).
    private mutating func use(_ package: PackageID, isPublished: Bool) -> PackageID {
        if isPublished { published.insert(package) }
        if !(chosen[package.name]?.contains(package.version) ?? false) { chosen[package.name, default: []].append(package.version) }
        return package
    }

    func publishedVersions(of name: String) -> [Version] {
        guard let registry, let packageName = try? PackageName(name),
              let list = try? registry.versionList(type: .npm, name: packageName) else { return [] }
        return list.compactMap { Version($0.version) }
    }

    // MARK: packages

    func base(_ package: PackageID) -> String {
        if let folder = nodeBases[package] { return folder }
        return published.contains(package) ? urls.eikNPMPackage(name: package.name, version: package.version.description) : providers.packageURL(package)
    }

    /// A URL as traced: Wharf's `/cdn/` URL of the jspm.io layout (a `local` package's, as a map
    /// with `local` packages writes it) as the CDN's.
    func canonical(_ url: String) -> String {
        guard providers.named.contains(.local), url.hasPrefix(localRoot) else { return url }
        return providers.root(of: .local) + url.dropFirst(localRoot.count)
    }

    /// Where a `local` package's URLs live: Wharf's `/cdn/` copy of the jspm.io layout.
    var localRoot: String { urls.cdn(Provider.local.host + "/") }

    /// The package and file a module URL (of a provider's layout, or of Wharf's registry) belongs to.
    func locate(_ url: String) -> (PackageID, String)? {
        if url.hasPrefix("file:") { return locateOnDisk(url) }
        if let file = urls.eikNPMFile(url) {
            guard let package = PackageID(name: file.name, version: file.version) else { return nil }
            return (package, file.file)
        }
        guard let (_, package, file) = providers.locate(url) else { return nil }
        return (package, file)
    }

    /// A module's bytes. A map of CDN URLs describes (and hashes) the CDN's own bytes; a local one
    /// what Wharf serves.
    func bytes(of url: String) async throws(ImportMapError) -> [UInt8] {
        if let nodeModules, url.hasPrefix("file:") { return try nodeModules.read(url) }
        return try await fetcher.module(url, original: (providers.locate(url)?.0 ?? providers.defaultProvider) != .local)
    }

    mutating func manifest(_ package: PackageID) async throws(ImportMapError) -> PackageManifest {
        if let known = manifests[package] { return known }
        if let config = packageConfig(of: package) {
            // `packageConfigs` replaces the package.json; null: the package has none.
            let manifest = PackageManifest(json: config == .null ? .object([]) : config)
            manifests[package] = manifest
            return manifest
        }
        let bytes = try await self.bytes(of: base(package) + "package.json")
        guard let json = try? JSONValue.parse(bytes) else { throw ImportMapError(.upstream, "\(package) has an unreadable package.json") }
        let manifest = PackageManifest(json: json)
        manifests[package] = manifest
        return manifest
    }

    /// The `packageConfigs` entry of a package, by its base URL as traced or as the map writes it.
    func packageConfig(of package: PackageID) -> JSONValue? {
        guard !packageConfigs.isEmpty else { return nil }
        return packageConfigs[base(package)] ?? packageConfigs[relocate(base(package))]
    }

    /// The files of a package (for packages without `exports`, whose entry needs a file search).
    mutating func files(_ package: PackageID) async throws(ImportMapError) -> Set<String> {
        if let known = fileSets[package] { return known }
        if let nodeModules, let folder = nodeBases[package] {
            fileSets[package] = nodeModules.files(in: folder)
            return fileSets[package] ?? []
        }
        // The `local` listing answers from Wharf's registry for published packages; an npm package
        // has the same files on every CDN, so those without a listing of their own use jspm.io's.
        let provider = providers.provider(for: package)
        let listed: Provider = published.contains(package) ? .local : provider == .unpkg || provider == .jsdelivr ? provider : .jspm
        let listing = try await listings.listing(package, provider: listed)
        let files = Set(listing.files)
        fileSets[package] = files
        return files
    }

    /// The URL of `subpath` (`.` or `./x`) of a package.
    mutating func entry(_ package: PackageID, subpath: String) async throws(ImportMapError) -> String {
        let manifest = try await manifest(package)
        let files: Set<String> = manifest.hasExports ? [] : try await self.files(package)
        switch resolver.resolve(subpath, in: manifest, fileExists: { files.contains(String($0.dropFirst(2))) }) {
        case .file(let path): return base(package) + path.dropFirst(2)
        case .notExported: throw ImportMapError(.notFound, "\(package) does not export \(subpath) under the conditions \(options.env)")
        case .notFound: throw ImportMapError(.notFound, "\(package) has no module for \(subpath)")
        }
    }

    /// `subpaths: true` (generator.ts `install`): every subpath `exports` gives, `*` patterns expanded
    /// against the package's files; without `exports` (or with conditions only) its main alone, and
    /// nothing when it has no `main` either.
    mutating func exportedEntries(_ package: PackageID) async throws(ImportMapError) -> [(String, String)] {
        let manifest = try await manifest(package)
        let bySubpath = manifest.hasExports && manifest.exports?.objectMembers?.allSatisfy { $0.0.hasPrefix(".") } == true
        guard bySubpath else {
            guard manifest.hasExports || manifest.main != nil else { return [] }
            return [(".", try await entry(package, subpath: "."))]
        }
        let files = try await self.files(package)
        return resolver.exportedSubpaths(of: manifest, files: Array(files)).sorted { $0.key < $1.key }.map { ($0.key, base(package) + $0.value.dropFirst(2)) }
    }

    static func checkCancellation() throws(ImportMapError) {
        if Task.isCancelled { throw ImportMapError(.cancelled, "the generation was stopped: its client went away") }
    }
}
