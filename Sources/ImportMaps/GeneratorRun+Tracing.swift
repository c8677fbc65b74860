import EdgeCache
import Foundation
import JSON
import ModuleLexer
import Registry
import Semver
import URLLayout

/// Tracing: the walk's visitor fetches, lexes and resolves each module, recording the mappings
/// its bare imports need.
extension GeneratorRun: ModuleGraphVisitor {
    func isFetched(_ url: String) -> Bool { sources[url] != nil }

    /// Fetches every not yet fetched module of `frontier` at once, 16 at a time.
    mutating func prefetch(_ frontier: [String]) async {
        let missing = Array(Set(frontier.filter { sources[$0] == nil }))
        guard missing.count > 1 else { return }
        let run = self
        let fetched = await concurrently(missing) { url in try? await run.bytes(of: url) }
        for (url, bytes) in fetched { if let bytes { sources[url] = bytes } }
    }

    /// Fetches the packuments of the bare specifiers' packages at once, 16 at a time (failures are
    /// left for `choose`).
    mutating func prefetchVersions(of specifiers: [String]) async {
        let names = Array(Set(specifiers.filter { !$0.hasPrefix(".") && !$0.hasPrefix("/") && !$0.hasPrefix("#") && !$0.contains(":") }
            .map { Self.split($0).0 }).filter { packuments[$0] == nil && !isOnDisk($0) && publishedVersions(of: $0).isEmpty })
        guard names.count > 1 else { return }
        let catalog = catalog
        let found = await concurrently(names) { name in try? await catalog.versions(of: name) }
        for (name, versions) in found { if let versions { packuments[name] = versions } }
    }

    /// Fetches the package.json of each package at once, 16 at a time (failures are left for `manifest`).
    mutating func prefetchManifests(_ packages: [PackageID]) async {
        let missing = Array(Set(packages.filter { manifests[$0] == nil && packageConfig(of: $0) == nil }))
        guard missing.count > 1 else { return }
        let run = self
        let found = await concurrently(missing) { package in try? await run.bytes(of: run.base(package) + "package.json") }
        for (package, bytes) in found {
            if let bytes, let json = try? JSONValue.parse(bytes) { manifests[package] = PackageManifest(json: json) }
        }
    }

    /// Fetches and lexes one module; resolves its imports (recording bare ones in the map).
    mutating func edges(of url: String) async throws(ImportMapError) -> ModuleGraph.Edges {
        if let known = edges[url] { return known }
        let bytes: [UInt8]
        if let fetched = sources[url] { bytes = fetched } else { bytes = try await self.bytes(of: url) }
        sources[url] = bytes
        var statics: [String] = [], dynamics: [String] = []
        if url.hasSuffix(".js") || url.hasSuffix(".mjs") || !(url.split(separator: "/").last ?? "").contains(".") || tracesTypeScript(url),
           let summary = summary(of: bytes, at: url) {
            // A type-only import (`import type …`) loads nothing at run time: never a dependency.
            let staticSpecifiers = tracesTypeScript(url) ? summary.staticSpecifiers(skippingTypeOnlyIn: bytes) : summary.staticSpecifiers
            await prefetchVersions(of: staticSpecifiers + summary.dynamicSpecifiers)
            for specifier in staticSpecifiers where !options.ignore.contains(specifier) {
                if let target = try await resolve(specifier, from: url) { statics.append(target) }
            }
            for specifier in summary.dynamicSpecifiers where !options.ignore.contains(specifier) {
                if let target = try? await resolve(specifier, from: url) { dynamics.append(target) }
            }
        }
        let found = ModuleGraph.Edges(statics: statics, dynamics: dynamics)
        edges[url] = found
        return found
    }

    /// TypeScript sources traced as ES modules: deno.land's always (the deno provider's modules are
    /// TypeScript), other providers' with `typeScript`; declaration files carry no module graph.
    func tracesTypeScript(_ url: String) -> Bool {
        guard url.hasSuffix(".ts") || url.hasSuffix(".mts"), !url.hasSuffix(".d.ts"), !url.hasSuffix(".d.mts") else { return false }
        return options.typeScript || DenoInstalls.locate(url) != nil
    }

    /// jspm.io's system layer serves System.register modules; everything else is an ES module.
    func summary(of bytes: [UInt8], at url: String) -> ModuleSummary? {
        providers.locate(url)?.0 == .jspmSystem ? SystemRegister.summary(of: bytes) : try? ModuleLexer.parse(bytes)
    }

    /// A specifier seen in `importer`: relative and absolute URLs directly, bare names through the
    /// importing package's dependencies (and the map), `#imports` through its package.json.
    mutating func resolve(_ specifier: String, from importer: String) async throws(ImportMapError) -> String? {
        if specifier.hasPrefix("./") || specifier.hasPrefix("../") || specifier.hasPrefix("/") || specifier.contains("://") {
            return URL(string: specifier, relativeTo: URL(string: importer))?.absoluteString
        }
        if let (jsrImporter, _) = jsrInstalls.locate(importer) { return try await resolveInJSR(specifier, importer: jsrImporter) }
        if let (denoImporter, _) = DenoInstalls.locate(importer) { return try await resolveInDeno(specifier, importer: denoImporter, url: importer) }
        guard let (parent, _) = locate(importer) else { return nil }
        if let custom = customTarget(specifier, importer: importer, packageBase: base(parent)) {
            // Traced where Wharf may fetch it; a relative, `node:` or other host's target is kept in
            // the map untraced (JSPM's `ignore` exists for mappings it cannot trace).
            return isTraceable(custom) ? custom : nil
        }
        let parentManifest = try await manifest(parent)
        if specifier.hasPrefix("#") {
            guard let target = resolver.resolveImport(specifier, in: parentManifest) else { return nil }
            guard target.hasPrefix("./") else { return try await resolve(target, from: importer) }
            let url = base(parent) + target.dropFirst(2)
            // A package's own sources on disk keep their `#imports`: the map maps them, as JSPM's does.
            if nodeBases[parent] != nil { record(specifier, target: url, importer: parent) }
            return url
        }
        let (name, subpath) = Self.split(specifier)
        // `linkedScopes`: a secondary package's dependencies take its primary's ranges and locks
        // (installer.ts `install`'s version scope); its mappings stay in its own scopes.
        let versionScope = linkedPrimary(of: base(parent)) ?? base(parent)
        var ranges = parentManifest
        if versionScope != base(parent) { ranges = try await linkedManifest(versionScope) }
        let range = options.resolutions[name] ?? ranges.dependencies[name] ?? ranges.peerDependencies[name]
            ?? ranges.optionalDependencies[name] ?? (name == parent.name ? parent.version.description : nil)
        guard let range else {
            // A dependency of that name wins over the built-in, as in Node.
            if let builtin = NodeBuiltins.builtin(specifier) {
                return try await resolveBuiltin(builtin, specifier: specifier, url: importer, shared: sharedScope(of: parent), own: base(parent))
            }
            throw ImportMapError(.notFound, "\(parent) imports \(specifier), which is not among its dependencies")
        }
        let package = try await choose(name, range: range, label: "\(name)@\(range)", importedFrom: importer, scope: versionScope)
        let target = try await entry(package, subpath: subpath)
        record(specifier, target: target, importer: parent)
        return target
    }

    /// The primary scope `linkedScopes` links a package base URL to (as traced, or as the map writes it).
    func linkedPrimary(of packageBase: String) -> String? {
        guard !options.linkedScopes.isEmpty, let primary = options.linkedScopes[packageBase] ?? options.linkedScopes[relocate(packageBase)] else { return nil }
        return canonical(primary)
    }

    /// The package.json of a linked primary scope, which must be a package of a provider's layout.
    mutating func linkedManifest(_ scope: String) async throws(ImportMapError) -> PackageManifest {
        guard let (package, _) = locate(scope + "package.json"), base(package) == scope else {
            throw ImportMapError(.invalid, "linkedScopes: \(relocate(scope)) is not the URL of a package of any provider")
        }
        return try await manifest(package)
    }

    /// A Node built-in: `node:NAME` when env has node or deno (not traced), else `@jspm/core`'s
    /// polyfill, installed at its highest version (prereleases too), as JSPM Generator does.
    /// `shared` and `own` are the importer's scopes, as `record` takes them.
    mutating func resolveBuiltin(_ builtin: String, specifier: String, url: String, shared: String, own: String) async throws(ImportMapError) -> String? {
        switch NodeBuiltins.target(of: builtin, env: options.env) {
        case .runtime(let target):
            record(specifier, target: target, shared: shared, own: own)
            return nil
        case .polyfill(let subpath):
            let name = NodeBuiltins.polyfillPackage
            let package = try await choose(name, range: options.resolutions[name] ?? "", label: name, importedFrom: url, scope: own)
            let target = try await entry(package, subpath: subpath)
            record(specifier, target: target, shared: shared, own: own)
            return target
        }
    }

    /// Puts a dependency mapping in the shared scope of the importer's provider (as the answer
    /// writes it), or in the importer's own scope on conflict.
    mutating func record(_ specifier: String, target: String, importer: PackageID) {
        record(specifier, target: target, shared: sharedScope(of: importer), own: base(importer))
    }

    /// The scope an npm package's dependencies share: its origin's, as the answer writes it. A
    /// package on disk maps in its own folder's scope; `flattenDiskScopes` shares them later.
    func sharedScope(of importer: PackageID) -> String {
        if let folder = nodeBases[importer] { return folder }
        let provider = providers.provider(for: importer)
        return published.contains(importer) ? urls.eikNPMRoot : provider == .local ? localRoot : providers.root(of: provider)
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
}
