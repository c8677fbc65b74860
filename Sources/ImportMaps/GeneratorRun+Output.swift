import JSON
import Registry

/// The answer: the map (with the input map's entries, flattened when asked, with integrity), and
/// the graph; with `provider=local` every CDN URL relocated to Wharf's.
extension GeneratorRun {
    /// A CDN URL as the map writes it: Wharf's `/cdn/` URL for a `local` package, else unchanged.
    func relocate(_ url: String) -> String {
        let origin = providers.root(of: .local)
        guard url.hasPrefix(origin), providers.locate(url)?.0 == .local else { return url }
        return urls.cdn(Provider.local.host + "/" + url.dropFirst(origin.count))
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
                ("staticDeps", .array(edge.statics.map { .string(relocate($0)) })),
                ("dynamicDeps", .array(edge.dynamics.map { .string(relocate($0)) })),
            ])))
        }
        return .object(byPackage.sorted { $0.key < $1.key }.map { ($0.key, .object($0.value)) })
    }
}
