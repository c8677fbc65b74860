import JSON
import Registry
import URLLayout

/// The answer: the map (with the input map's entries, flattened when asked, with integrity), and
/// the graph; with `provider=local` every CDN URL relocated to Wharf's.
extension GeneratorRun {
    /// A CDN URL as the map writes it: Wharf's `/cdn/` URL for a `local` package, else unchanged.
    func relocate(_ url: String) -> String {
        let origin = providers.root(of: .local)
        guard url.hasPrefix(origin), providers.locate(url)?.0 == .local else { return url }
        return localRoot + url.dropFirst(origin.count)
    }

    func buildMap(traced: [String]) -> JSONValue {
        // The input map's custom entries win, in `imports` and in scopes alike (JSPM's extractMap
        // extends the map with them first); its package entries were locks, traced again.
        var importEntries = versionLock.customImports
        var scopeEntries = scopes
        for (scope, members) in versionLock.customScopes { scopeEntries[scope, default: [:]].merge(members) { _, custom in custom } }
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
        if options.dependencyCache {
            // 2.16.3 `dependencyCache`: "direct static and dynamic dependencies for each module URL
            // in the final pruned graph", static ones first.
            members.append(("dependencyCache", .object(traced.sorted().map { url -> (String, JSONValue) in
                let found = edges[url].map { $0.statics + $0.dynamics } ?? []
                return (relocate(url), .array(found.map { .string(relocate($0)) }))
            })))
        }
        return .object(members)
    }

    /// The URLs written for `mapUrl`/`rootUrl`, then wildcard condensing and `combineSubpaths`: the
    /// order of 2.16.3's `getMap` (rebase, flatten, sort, `simplify`).
    func shaped(_ map: JSONValue) -> JSONValue {
        let rebased = options.mapURLs.rebase(map: map)
        let condensed = options.expandWildcards ? rebased : WildcardCondenser.condense(map: rebased) { wildcardPrefixes(of: $0) }
        return SubpathCombiner.combine(map: condensed, urls: options.mapURLs, sections: options.combineSubpaths)
    }

    /// The identity `*` export prefixes of the traced package a map target (as written) is in.
    func wildcardPrefixes(of target: String) -> [String] {
        guard let (package, _) = locate(canonical(options.mapURLs.resolve(target))), let manifest = manifests[package] else { return [] }
        return resolver.wildcardPrefixes(of: manifest, files: fileSets[package])
    }

    /// Integrity for the map's modules the trace did not read: the input map's. JSPM traces the input
    /// map's imports and hashes every module it traces; a module Wharf cannot read is refused by URL.
    /// Keys are absolute (resolved where the map lives); `shaped` writes them like the map's URLs.
    func addingIntegrityOfUntracedModules(to map: JSONValue) async throws(ImportMapError) -> JSONValue {
        guard case .object(var members) = map else { return map }
        let hashed = Set((map["integrity"]?.objectMembers ?? []).map(\.0))
        let scoped = (map["scopes"]?.objectMembers ?? []).flatMap { $0.1.objectMembers ?? [] }
        var modules: [String] = []
        for (_, value) in (map["imports"]?.objectMembers ?? []) + scoped {
            guard let written = value.stringValue, !written.hasSuffix("/") else { continue }
            let url = options.mapURLs.resolve(written)
            guard !hashed.contains(url), !modules.contains(url) else { continue }
            if url.hasPrefix("http://") || url.hasPrefix("https://") {
                modules.append(url)
            } else if MapURLs.isPlain(url) || url.hasPrefix(".") || url.hasPrefix("/") {
                throw ImportMapError(.invalid, "integrity: cannot read the input map's \(written): it is relative and no mapUrl (or rootUrl) says where it is")
            }
            // Other schemes (`node:`, `deno:`) name built-ins, which JSPM gives no integrity either.
        }
        guard !modules.isEmpty else { return map }
        let run = self
        let read = await concurrently(modules) { url -> Result<[UInt8], ImportMapError>? in
            do throws(ImportMapError) { return .success(try await run.untracedModuleBytes(url)) } catch { return .failure(error) }
        }
        var added: [(String, JSONValue)] = []
        for (url, result) in read {
            guard let result else { throw ImportMapError(.cancelled, "the generation was stopped: its client went away") }
            switch result {
            case .success(let bytes): if let sri = Integrity.of(bytes, algorithm: "sha384") { added.append((url, .string(sri))) }
            case .failure(let error): throw ImportMapError(error.kind, "integrity: cannot read the input map's \(url): \(error.message)")
            }
        }
        let integrity = ((map["integrity"]?.objectMembers ?? []) + added).sorted { $0.0 < $1.0 }
        members.removeAll { $0.0 == "integrity" }
        members.append(("integrity", .object(integrity)))
        return .object(members)
    }

    /// The bytes a URL of the input map answers with: Wharf's own (its `/cdn/` copy, its registries),
    /// else an upstream CDN's as the CDN serves them. A host outside `[upstreams]` is the client's mistake.
    func untracedModuleBytes(_ url: String) async throws(ImportMapError) -> [UInt8] {
        if let hostAndPath = urls.cdnFile(url) { return try await fetcher.module("https://" + hostAndPath, original: false) }
        if urls.eikNPMFile(url) != nil || urls.jsrFile(url) != nil { return try await fetcher.module(url, original: false) }
        do {
            _ = try fetcher.address(url)
        } catch {
            throw ImportMapError(.invalid, error.message)
        }
        return try await fetcher.module(url, original: true)
    }

    func graphJSON() -> JSONValue {
        var byPackage: [String: [(String, JSONValue)]] = [:]
        for (url, edge) in edges.sorted(by: { $0.key < $1.key }) {
            let packageURL: String, file: String
            if let (package, path) = locate(url) {
                (packageURL, file) = (relocate(base(package)), path)
            } else if let (ref, path) = DenoInstalls.locate(url) {
                (packageURL, file) = (deno.base(ref), path)
            } else {
                continue
            }
            byPackage[packageURL, default: []].append((file, .object([
                ("staticDeps", .array(edge.statics.map { .string(relocate($0)) })),
                ("dynamicDeps", .array(edge.dynamics.map { .string(relocate($0)) })),
            ])))
        }
        return .object(byPackage.sorted { $0.key < $1.key }.map { ($0.key, .object($0.value)) })
    }
}
