import JSON

/// The deno provider in a generation: versions looked up through deno.land's redirects (through
/// the edge cache, so offline from the store), entries from std's synthesized exports or a module's
/// own files, and the imports of deno.land modules mapped in the `https://deno.land/` scope.
extension GeneratorRun {
    /// A `denoland:` or `deno:` install (either, whatever the default provider: JSPM's
    /// `registryProviders`): the URL of its subpath.
    mutating func denoInstall(_ target: InstallTarget) async throws(ImportMapError) -> String {
        if target.source == .deno {
            return try await denoEntry(try await chooseDeno(nil, range: nil), subpath: DenoInstalls.stdSubpath(module: target.name, subpath: target.subpath))
        }
        return try await denoEntry(try await chooseDeno(target.name, range: target.range), subpath: target.subpath)
    }

    /// deno.ts `resolveLatestTarget`: an exact version as given; otherwise the version deno.land
    /// redirects `x/NAME/mod.ts` (std: `std/version.ts`) to, looked up once per generation.
    mutating func chooseDeno(_ name: String?, range: String?) async throws(ImportMapError) -> DenoInstalls.PackageRef {
        try providers.checkAllowed(.deno, by: fetcher.cache.configuration.upstreams)
        if let exact = DenoInstalls.exactVersion(range) { return deno.use(name, version: exact) }
        if let known = deno.chosen[name ?? ""] { return DenoInstalls.PackageRef(name: name, version: known) }
        let lookup = DenoInstalls.latestLookup(name)
        let answered: String
        do {
            answered = try await fetcher.finalURL(of: lookup)
        } catch {
            throw ImportMapError(error.kind, "Deno: Unable to lookup \(lookup) (\(error.message))")
        }
        guard let (found, _) = DenoInstalls.locate(answered), found.name == name else {
            throw ImportMapError(.upstream, "Deno: Unable to lookup \(lookup): deno.land answered at \(answered), which names no version")
        }
        return deno.use(name, version: found.version)
    }

    /// The URL of `subpath` of a deno.land version: through `exports` (std's synthesized ones, or a
    /// module's package.json); without them `.` is the first of `mod.ts`, `index.js`… that exists
    /// (JSPM's `legacyMainResolve`) and any other subpath the file it names.
    mutating func denoEntry(_ ref: DenoInstalls.PackageRef, subpath: String) async throws(ImportMapError) -> String {
        let base = deno.base(ref)
        let manifest: PackageManifest?
        if ref.name == nil { manifest = DenoInstalls.stdManifest } else { manifest = try await denoManifest(ref) }
        if let manifest, manifest.hasExports {
            guard case .file(let path) = resolver.resolve(subpath, in: manifest, fileExists: { _ in false }) else {
                throw ImportMapError(.notFound, "\(ref.label) does not export \(subpath) under the conditions \(options.env)")
            }
            return base + path.dropFirst(2)
        }
        guard subpath == "." else { return base + subpath.dropFirst(2) }
        let candidates = DenoInstalls.mainCandidates(manifest?.main)
        for candidate in candidates {
            if try await denoFileExists(base + candidate) { return base + candidate }
        }
        throw ImportMapError(.notFound, "\(ref.label) has no module for . (none of \(candidates.joined(separator: ", ")) exists)")
    }

    /// A deno.land/x version's package.json (`packageConfigs` first), nil when it has none.
    mutating func denoManifest(_ ref: DenoInstalls.PackageRef) async throws(ImportMapError) -> PackageManifest? {
        if let known = deno.manifests[ref] { return known }
        let base = deno.base(ref)
        var manifest: PackageManifest?
        if let config = packageConfigs[base] {
            manifest = config == .null ? nil : PackageManifest(json: config)
        } else {
            do throws(ImportMapError) {
                let bytes = try await fetcher.fetch(base + "package.json", original: true).bytes
                guard let json = try? JSONValue.parse(bytes) else { throw ImportMapError(.upstream, "\(ref.label) has an unreadable package.json") }
                manifest = PackageManifest(json: json)
            } catch where error.kind == .notFound {
                manifest = nil
            }
        }
        deno.manifests[ref] = .some(manifest)
        return manifest
    }

    /// Whether deno.land answers `url` with a file (JSPM's `exists`); the bytes are kept for the trace.
    mutating func denoFileExists(_ url: String) async throws(ImportMapError) -> Bool {
        if sources[url] != nil { return true }
        do {
            sources[url] = try await bytes(of: url)
            return true
        } catch where error.kind == .notFound {
            return false
        }
    }

    /// A specifier of a deno.land module that is not a URL: `deno:` std modules, and npm packages
    /// (bare, at the module's package.json range or else the latest, as JSPM installs them; or
    /// `npm:`), mapped in the `https://deno.land/` scope. With env `deno`, `npm:` and built-ins are
    /// the runtime's: not mapped, not traced (deno.ts and node.ts `resolveBuiltin`).
    mutating func resolveInDeno(_ specifier: String, importer: DenoInstalls.PackageRef, url: String) async throws(ImportMapError) -> String? {
        let own = deno.base(importer)
        let target: String
        if specifier.hasPrefix("deno:") {
            target = try await denoInstall(try InstallTarget.parse(specifier))
        } else if specifier.hasPrefix("npm:") {
            if options.env.contains("deno") { return nil }
            let parsed = try InstallTarget.parse(specifier)
            let package = try await choose(parsed.name, range: options.resolutions[parsed.name] ?? parsed.range, label: parsed.range.map { "\(parsed.name)@\($0)" } ?? parsed.name, importedFrom: url, scope: own)
            target = try await entry(package, subpath: parsed.subpath)
        } else if specifier.contains(":"), NodeBuiltins.builtin(specifier) == nil {
            throw ImportMapError(.notFound, "\(importer.label) imports '\(specifier)', which Wharf cannot map (deno.land modules map deno:, npm:, node: and bare specifiers)")
        } else {
            let (name, subpath) = Self.split(specifier)
            var manifest: PackageManifest?
            if importer.name != nil { manifest = try await denoManifest(importer) }
            let range = options.resolutions[name] ?? manifest?.dependencies[name] ?? manifest?.peerDependencies[name] ?? manifest?.optionalDependencies[name]
            if range == nil, let builtin = NodeBuiltins.builtin(specifier) {
                return try await resolveBuiltin(builtin, specifier: specifier, url: url, shared: DenoInstalls.root, own: own)
            }
            let package = try await choose(name, range: range, label: range.map { "\(name)@\($0)" } ?? name, importedFrom: url, scope: own)
            target = try await entry(package, subpath: subpath)
        }
        record(specifier, target: target, shared: DenoInstalls.root, own: own)
        return target
    }
}
