/// The input map's custom mappings (those that map no package version) as resolutions: JSPM's
/// tracer consults them before any package install (2.16.3 tracemap.ts `resolve`: a scope of the
/// importer's package or inside it, a linked primary's scopes, then `imports`).
extension GeneratorRun {
    /// The URL a custom mapping gives a bare specifier imported by `importer` (of the package at
    /// `packageBase`), or nil. Origin scopes (`https://ga.jspm.io/`) are not the package's: as in
    /// JSPM, their custom entries shape the output only.
    func customTarget(_ specifier: String, importer: String, packageBase: String) -> String? {
        guard !versionLock.customImports.isEmpty || !versionLock.customScopes.isEmpty else { return nil }
        var sections: [[(String, String)]] = []
        let scopes = versionLock.customScopes.map { (url: canonical(options.mapURLs.resolve($0.key)), members: $0.value) }
        // Subscope and scope overrides: the most specific scope first.
        for scope in scopes.filter({ importer.hasPrefix($0.url) && $0.url.hasPrefix(packageBase) }).sorted(by: { $0.url.count > $1.url.count }) {
            sections.append(scope.members.sorted { $0.key < $1.key })
        }
        if let primary = linkedPrimary(of: packageBase) {
            for scope in scopes.filter({ primary.hasPrefix($0.url) }).sorted(by: { $0.url.count > $1.url.count }) {
                sections.append(scope.members.sorted { $0.key < $1.key })
            }
        }
        sections.append(versionLock.customImports)
        for mappings in sections {
            guard let (key, target) = Self.mapMatch(specifier, in: mappings) else { continue }
            return canonical(options.mapURLs.resolve(target + specifier.dropFirst(key.count)))
        }
        return nil
    }

    /// import-map `getMapMatch`: the specifier's own key, else the longest trailing-slash key it extends.
    static func mapMatch(_ specifier: String, in mappings: [(String, String)]) -> (String, String)? {
        if let exact = mappings.first(where: { $0.0 == specifier }) { return exact }
        return mappings.filter { $0.0.hasSuffix("/") && specifier.hasPrefix($0.0) }.max { $0.0.count < $1.0.count }
    }

    /// Whether Wharf can read `url`: its own registries' and `/cdn/` URLs, or an allowlisted host's.
    func isTraceable(_ url: String) -> Bool {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else { return false }
        if urls.cdnFile(url) != nil || urls.eikNPMFile(url) != nil || urls.jsrFile(url) != nil { return true }
        return (try? fetcher.address(url)) != nil
    }
}
