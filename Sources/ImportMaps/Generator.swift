import EdgeCache
import Foundation
import JSON
import ModuleLexer
import Registry
import Semver

/// Import-map generation with JSPM Generator's semantics, against Wharf's edge cache (and so
/// offline from the store): versions from packuments, entry points from package.json, the module
/// graph from `ModuleLexer`, one shared version per dependency unless ranges conflict.
public struct Generator: Sendable {
    public let cache: EdgeCache
    public let listings: DownloadListings
    /// Wharf's JSR registry, for `jsr:` installs.
    public let jsr: JSRRegistry?
    /// Installs one request may ask for (`[generate] max_installs`): the work grows with them.
    public var maxInstalls: Int

    public init(cache: EdgeCache, listings: DownloadListings, jsr: JSRRegistry? = nil, maxInstalls: Int = 500) {
        self.cache = cache
        self.listings = listings
        self.jsr = jsr
        self.maxInstalls = maxInstalls
    }

    /// Stops with `cancelled` soon after its task is cancelled (the client went away).
    public func generate(_ options: GenerateOptions) async throws(ImportMapError) -> GenerateResult {
        guard options.install.count <= maxInstalls else {
            throw ImportMapError(.invalid, "\(options.install.count) installs asked for; at most \(maxInstalls) per request (generate.max_installs)")
        }
        var run = GeneratorRun(cache: cache, options: options, downloads: listings, jsr: jsr)
        return try await run.generate()
    }
}

/// The state of one generation: chosen versions, manifests, mappings and the traced graph.
struct GeneratorRun {
    let cache: EdgeCache
    let options: GenerateOptions
    let catalog: VersionCatalog
    let resolver: PackageEntryResolver
    /// Listings, Wharf's public URL, and Wharf's own registry (whose npm packages shadow the public
    /// ones of that name).
    let downloads: DownloadListings
    var registry: EikRegistry? { downloads.registry }
    var publicURL: String { downloads.publicURL }
    var published: Set<PackageID> = []
    let jsr: JSRRegistry?
    var chosenJSR: [String: [Version]] = [:]
    var jsrExportTables: [JSRPackageRef: [(String, String)]] = [:]

    var chosen: [String: [Version]] = [:]
    var manifests: [PackageID: PackageManifest] = [:]
    var fileSets: [PackageID: Set<String>] = [:]
    var imports: [(String, String)] = []
    /// scope URL → specifier → target
    var scopes: [String: [String: String]] = [:]
    var edges: [String: (static: [String], dynamic: [String])] = [:]
    var sources: [String: [UInt8]] = [:]
    var packuments: [String: VersionCatalog.Versions] = [:]

    /// The CDN the map's modules come from: its host, and its layout of package URLs.
    var layout: Provider { Self.layout(for: options.provider) }
    static func layout(for provider: Provider) -> Provider { provider == .local ? .jspm : provider }
    var origin: String { "https://\(layout.host)/" }

    init(cache: EdgeCache, options: GenerateOptions, downloads: DownloadListings, jsr: JSRRegistry? = nil) {
        self.cache = cache
        self.options = options
        self.downloads = downloads
        self.jsr = jsr
        catalog = VersionCatalog(cache: cache, layout: Self.layout(for: options.provider))
        resolver = PackageEntryResolver(conditions: options.env)
    }

    mutating func generate() async throws(ImportMapError) -> GenerateResult {
        if options.env.contains("require") { throw ImportMapError(.invalid, "the require condition is not supported: import maps load ES modules") }
        guard !options.install.isEmpty else { throw ImportMapError(.invalid, "install names no package") }
        var entries: [String] = []
        // The packuments of every npm install at once (16 at a time), then their manifests: the
        // loop below finds them resolved and only decides.
        let npmTargets = options.install.filter { $0.source != .jsr && !options.ignore.contains($0.key) }
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
                let url = try jsrEntry(try chooseJSR(target.name, range: options.resolutions[target.name] ?? target.range), subpath: target.subpath)
                imports.append((target.key, url))
                entries.append(url)
                continue
            }
            let package = try await choose(target.name, range: options.resolutions[target.name] ?? target.range, label: target.range.map { "\(target.name)@\($0)" } ?? target.name)
            let url = try await entry(package, subpath: target.subpath)
            imports.append((target.key, url))
            entries.append(url)
        }
        let (staticDeps, dynamicDeps) = try await trace(from: entries)
        return GenerateResult(
            map: buildMap(traced: staticDeps + dynamicDeps),
            staticDeps: staticDeps.map { relocate($0) },
            dynamicDeps: dynamicDeps.map { relocate($0) },
            graph: options.graph ? graphJSON() : nil
        )
    }

    // MARK: versions

    /// The lock rule: a version already chosen that satisfies the range, else the highest match.
    /// `importedFrom` names the module that asked, for the error, as JSPM's message does.
    mutating func choose(_ name: String, range: String?, label: String, importedFrom: String? = nil) async throws(ImportMapError) -> PackageID {
        if let range, let parsed = try? Semver.Range(range), let existing = chosen[name]?.first(where: { parsed.satisfies($0) }) {
            return PackageID(name: name, version: existing.description)!
        }
        let local = publishedVersions(of: name)
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
        if !local.isEmpty { published.insert(package) }
        if !(chosen[name]?.contains(version) ?? false) { chosen[name, default: []].append(version) }
        return package
    }

    func publishedVersions(of name: String) -> [Version] {
        guard let registry, let packageName = try? PackageName(name),
              let list = try? registry.versionList(type: .npm, name: packageName) else { return [] }
        return list.compactMap { Version($0.version) }
    }

    var registryRoot: String { "\(publicURL)/npm/" }

    // MARK: packages

    func base(_ package: PackageID) -> String {
        published.contains(package) ? "\(registryRoot)\(package.name)/\(package.version)/" : "https://\(layout.host)\(layout.packagePath(package))"
    }

    /// The package and file a module URL (of the CDN layout, or of Wharf's registry) belongs to.
    func locate(_ url: String) -> (PackageID, String)? {
        if url.hasPrefix(registryRoot) {
            let parts = url.dropFirst(registryRoot.count).split(separator: "/", omittingEmptySubsequences: false)
            let nameCount = parts.first?.hasPrefix("@") == true ? 2 : 1
            guard parts.count > nameCount, let package = PackageID(name: parts.prefix(nameCount).joined(separator: "/"), version: String(parts[nameCount])) else { return nil }
            return (package, parts.dropFirst(nameCount + 1).joined(separator: "/"))
        }
        guard let (_, package, file) = Provider.locate(host: layout.host, path: Substring(URLComponents(string: url)?.path ?? "")) else { return nil }
        return (package, file)
    }

    /// A module's bytes: from Wharf's registry for published packages, else through the edge cache.
    func bytes(of url: String) async throws(ImportMapError) -> [UInt8] {
        if url.hasPrefix(jsrRoot) { return try jsrBytes(url) }
        if url.hasPrefix(registryRoot), let registry, let (package, file) = locate(url), let name = try? PackageName(package.name) {
            guard let stored = try? registry.file(type: .npm, name: name, version: package.version.description, path: "/" + file),
                  let bytes = try? registry.blobs.readAll(stored.blob) else {
                throw ImportMapError(.notFound, "module not found: \(url)")
            }
            return bytes
        }
        do {
            // A map of CDN URLs describes (and hashes) the CDN's own bytes; a local one what Wharf serves.
            let address = try DownloadListings.address(url, cache: cache)
            return try await DownloadListings.fetch(address, from: cache, original: options.provider != .local).bytes
        } catch {
            throw ImportMapError(error.kind == .upstream ? .upstream : error.kind, "module not found: \(url) (\(error.message))")
        }
    }

    mutating func manifest(_ package: PackageID) async throws(ImportMapError) -> PackageManifest {
        if let known = manifests[package] { return known }
        let bytes = try await self.bytes(of: base(package) + "package.json")
        guard let json = try? JSONValue.parse(bytes) else { throw ImportMapError(.upstream, "\(package) has an unreadable package.json") }
        let manifest = PackageManifest(json: json)
        manifests[package] = manifest
        return manifest
    }

    /// The files of a package (for packages without `exports`, whose entry needs a file search).
    mutating func files(_ package: PackageID) async throws(ImportMapError) -> Set<String> {
        if let known = fileSets[package] { return known }
        // The `local` listing answers from Wharf's registry for published packages.
        let listing = try await downloads.listing(package, provider: published.contains(package) ? .local : layout)
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

    // MARK: tracing

    /// Every module reachable from `entries`: static imports first, then those only dynamic ones reach.
    mutating func trace(from entries: [String]) async throws(ImportMapError) -> ([String], [String]) {
        var staticSeen: [String] = [], staticSet = Set<String>()
        var queue = entries
        var dynamicRoots: [String] = []
        while !queue.isEmpty {
            try Self.checkCancellation()
            if sources[queue[0]] == nil { await prefetch(queue) }
            let url = queue.removeFirst()
            guard staticSet.insert(url).inserted else { continue }
            staticSeen.append(url)
            let (statics, dynamics) = try await visit(url)
            queue += statics
            dynamicRoots += dynamics
        }
        var dynamicSeen: [String] = [], dynamicSet = Set<String>()
        queue = dynamicRoots
        while !queue.isEmpty {
            try Self.checkCancellation()
            if sources[queue[0]] == nil { await prefetch(queue) }
            let url = queue.removeFirst()
            guard !staticSet.contains(url), dynamicSet.insert(url).inserted else { continue }
            dynamicSeen.append(url)
            let (statics, dynamics) = try await visit(url)
            queue += statics + dynamics
        }
        return (staticSeen, dynamicSeen)
    }

    /// Fetches every not yet fetched module of `urls` at once (16 at a time), so a cold trace waits
    /// for one round trip per level of the graph, not one per module. Failures are left for `visit`.
    mutating func prefetch(_ urls: [String]) async {
        let missing = Array(Set(urls.filter { sources[$0] == nil }))
        guard missing.count > 1 else { return }
        let run = self
        let fetched = await Self.concurrently(missing) { url in try? await run.bytes(of: url) }
        for (url, bytes) in fetched { if let bytes { sources[url] = bytes } }
    }

    /// Fetches the packuments of the bare specifiers' packages at once, 16 at a time (failures are
    /// left for `choose`).
    mutating func prefetchVersions(of specifiers: [String]) async {
        let names = Array(Set(specifiers.filter { !$0.hasPrefix(".") && !$0.hasPrefix("/") && !$0.hasPrefix("#") && !$0.contains("://") }
            .map { Self.split($0).0 }).filter { packuments[$0] == nil && publishedVersions(of: $0).isEmpty })
        guard names.count > 1 else { return }
        let catalog = catalog
        let found = await Self.concurrently(names) { name in try? await catalog.versions(of: name) }
        for (name, versions) in found { if let versions { packuments[name] = versions } }
    }

    /// Fetches the package.json of each package at once, 16 at a time (failures are left for `manifest`).
    mutating func prefetchManifests(_ packages: [PackageID]) async {
        let missing = Array(Set(packages.filter { manifests[$0] == nil }))
        guard missing.count > 1 else { return }
        let run = self
        let found = await Self.concurrently(missing) { package in try? await run.bytes(of: run.base(package) + "package.json") }
        for (package, bytes) in found {
            if let bytes, let json = try? JSONValue.parse(bytes) { manifests[package] = PackageManifest(json: json) }
        }
    }

    /// `work` for every item, at most 16 at a time, stopping early when the task is cancelled.
    static func concurrently<Item: Sendable, Value: Sendable>(_ items: [Item], _ work: @escaping @Sendable (Item) async -> Value?) async -> [(Item, Value?)] {
        await withTaskGroup(of: (Item, Value?).self) { group in
            var next = 0, results: [(Item, Value?)] = []
            func add() {
                guard next < items.count, !Task.isCancelled else { return }
                let item = items[next]
                next += 1
                group.addTask { (item, await work(item)) }
            }
            for _ in 0..<16 { add() }
            for await result in group {
                results.append(result)
                add()
            }
            return results
        }
    }

    static func checkCancellation() throws(ImportMapError) {
        if Task.isCancelled { throw ImportMapError(.cancelled, "the generation was stopped: its client went away") }
    }

    /// Fetches and lexes one module; resolves its imports (recording bare ones in the map).
    mutating func visit(_ url: String) async throws(ImportMapError) -> ([String], [String]) {
        if let known = edges[url] { return known }
        let bytes: [UInt8]
        if let fetched = sources[url] { bytes = fetched } else { bytes = try await self.bytes(of: url) }
        sources[url] = bytes
        var statics: [String] = [], dynamics: [String] = []
        if url.hasSuffix(".js") || url.hasSuffix(".mjs") || !(url.split(separator: "/").last ?? "").contains("."),
           let summary = try? ModuleLexer.parse(bytes) {
            await prefetchVersions(of: summary.staticSpecifiers + summary.dynamicSpecifiers)
            for specifier in summary.staticSpecifiers where !options.ignore.contains(specifier) {
                if let target = try await resolve(specifier, from: url) { statics.append(target) }
            }
            for specifier in summary.dynamicSpecifiers where !options.ignore.contains(specifier) {
                if let target = try? await resolve(specifier, from: url) { dynamics.append(target) }
            }
        }
        edges[url] = (statics, dynamics)
        return (statics, dynamics)
    }

    /// A specifier seen in `importer`: relative and absolute URLs directly, bare names through the
    /// importing package's dependencies (and the map), `#imports` through its package.json.
    mutating func resolve(_ specifier: String, from importer: String) async throws(ImportMapError) -> String? {
        if specifier.hasPrefix("./") || specifier.hasPrefix("../") || specifier.hasPrefix("/") || specifier.contains("://") {
            return URL(string: specifier, relativeTo: URL(string: importer))?.absoluteString
        }
        if let (jsrImporter, _) = jsrLocate(importer) { return try await resolveInJSR(specifier, importer: jsrImporter) }
        guard let (parent, _) = locate(importer) else { return nil }
        let parentManifest = try await manifest(parent)
        if specifier.hasPrefix("#") {
            guard let target = resolver.resolveImport(specifier, in: parentManifest) else { return nil }
            return target.hasPrefix("./") ? base(parent) + target.dropFirst(2) : try await resolve(target, from: importer)
        }
        let (name, subpath) = Self.split(specifier)
        let range = options.resolutions[name] ?? parentManifest.dependencies[name] ?? parentManifest.peerDependencies[name]
            ?? parentManifest.optionalDependencies[name] ?? (name == parent.name ? parent.version.description : nil)
        guard let range else {
            // A dependency of that name wins over the built-in, as in Node.
            if let builtin = NodeBuiltins.builtin(specifier) { return try await resolveBuiltin(builtin, specifier: specifier, importer: parent, url: importer) }
            throw ImportMapError(.notFound, "\(parent) imports \(specifier), which is not among its dependencies")
        }
        let package = try await choose(name, range: range, label: "\(name)@\(range)", importedFrom: importer)
        let target = try await entry(package, subpath: subpath)
        record(specifier, target: target, importer: parent)
        return target
    }

    /// A Node built-in: `node:NAME` when env has node or deno (not traced), else `@jspm/core`'s
    /// polyfill, installed at its highest version (prereleases too), as JSPM Generator does.
    mutating func resolveBuiltin(_ builtin: String, specifier: String, importer parent: PackageID, url: String) async throws(ImportMapError) -> String? {
        switch NodeBuiltins.target(of: builtin, env: options.env) {
        case .runtime(let target):
            record(specifier, target: target, importer: parent)
            return nil
        case .polyfill(let subpath):
            let name = NodeBuiltins.polyfillPackage
            let package = try await choose(name, range: options.resolutions[name] ?? "", label: name, importedFrom: url)
            let target = try await entry(package, subpath: subpath)
            record(specifier, target: target, importer: parent)
            return target
        }
    }

    /// Puts a dependency mapping in the shared scope, or in the importer's own scope on conflict.
    mutating func record(_ specifier: String, target: String, importer: PackageID) {
        record(specifier, target: target, shared: published.contains(importer) ? registryRoot : origin, own: base(importer))
    }

    /// `shared` is the scope of the importer's origin; `own` its package base URL.
    mutating func record(_ specifier: String, target: String, shared: String, own: String) {
        if let existing = scopes[shared]?[specifier], existing != target {
            scopes[own, default: [:]][specifier] = target
        } else {
            scopes[shared, default: [:]][specifier] = target
        }
    }

    static func split(_ specifier: String) -> (String, String) {
        let parts = specifier.split(separator: "/", omittingEmptySubsequences: false)
        let count = specifier.hasPrefix("@") ? 2 : 1
        let name = parts.prefix(count).joined(separator: "/")
        let rest = parts.dropFirst(count)
        return (name, rest.isEmpty ? "." : "./" + rest.joined(separator: "/"))
    }

    // MARK: output

    func relocate(_ url: String) -> String {
        options.provider == .local && url.hasPrefix(origin) ? "\(publicURL)/cdn/\(layout.host)/" + url.dropFirst(origin.count) : url
    }

    func buildMap(traced: [String]) -> JSONValue {
        var importEntries: [(String, String)] = []
        var scopeEntries = scopes
        if let input = options.inputMap {
            for (key, value) in input["imports"]?.objectMembers ?? [] { if let url = value.stringValue { importEntries.append((key, url)) } }
            for (scope, members) in input["scopes"]?.objectMembers ?? [] {
                for (key, value) in members.objectMembers ?? [] {
                    if let url = value.stringValue, scopeEntries[scope]?[key] == nil { scopeEntries[scope, default: [:]][key] = url }
                }
            }
        }
        for (key, url) in imports where !importEntries.contains(where: { $0.0 == key }) {
            importEntries.append((key, relocate(url)))
        }
        if options.flattenScope {
            // The shared origin scope first (it sorts before package scopes), so package-specific
            // conflicts are what stays scoped, whatever the dictionary's order.
            for (scope, members) in scopeEntries.sorted(by: { $0.key < $1.key }) {
                var left: [String: String] = [:]
                for (key, url) in members.sorted(by: { $0.key < $1.key }) {
                    if let existing = importEntries.first(where: { $0.0 == key }) {
                        if existing.1 != relocate(url) { left[key] = url }
                    } else {
                        importEntries.append((key, relocate(url)))
                    }
                }
                scopeEntries[scope] = left.isEmpty ? nil : left
            }
        }
        var members: [(String, JSONValue)] = [("imports", .object(importEntries.sorted { $0.0 < $1.0 }.map { ($0.0, .string($0.1)) }))]
        let scopeList = scopeEntries.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        if !scopeList.isEmpty {
            members.append(("scopes", .object(scopeList.map { scope, entries in
                (relocate(scope), .object(entries.sorted { $0.key < $1.key }.map { ($0.key, .string(relocate($0.value))) }))
            })))
        }
        if options.integrity {
            members.append(("integrity", .object(traced.sorted().compactMap { url in
                sources[url].flatMap { Integrity.of($0, algorithm: "sha384") }.map { (relocate(url), .string($0)) }
            })))
        }
        return .object(members)
    }

    func graphJSON() -> JSONValue {
        var byPackage: [String: [(String, JSONValue)]] = [:]
        for (url, edge) in edges.sorted(by: { $0.key < $1.key }) {
            guard let (package, file) = locate(url) else { continue }
            byPackage[relocate(base(package)), default: []].append((file, .object([
                ("staticDeps", .array(edge.static.map { .string(relocate($0)) })),
                ("dynamicDeps", .array(edge.dynamic.map { .string(relocate($0)) })),
            ])))
        }
        return .object(byPackage.sorted { $0.key < $1.key }.map { ($0.key, .object($0.value)) })
    }
}
