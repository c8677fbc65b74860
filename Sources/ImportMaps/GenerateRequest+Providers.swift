import JSON

/// JSPM's provider options: `providers` (package name, `@scope`, `npm:` or `name@range` →
/// provider), `providerConfig` (what 2.16.3's providers read when generating: jspm.io's `cdnUrl`) and
/// `defaultRegistry` (npm, the only registry Wharf resolves bare installs from).
extension GenerateRequest {
    /// 2.16.3's `detectDefaultProvider`: with no provider given, the one most of the input map's
    /// `imports` point at (the first to reach that count) is the default; nil when none does.
    static func leadingProvider(of inputMap: JSONValue) -> Provider? {
        var counts: [(provider: Provider, count: Int)] = []
        for (_, target) in inputMap["imports"]?.objectMembers ?? [] {
            guard let url = target.stringValue, let provider = Provider.serving(url) else { continue }
            if let index = counts.firstIndex(where: { $0.provider == provider }) { counts[index].count += 1 } else { counts.append((provider, 1)) }
        }
        var winner: (provider: Provider, count: Int)?
        for entry in counts where entry.count > (winner?.count ?? 0) { winner = entry }
        return winner?.provider
    }

    mutating func readProviders(_ fields: [String: JSONValue]) throws(ImportMapError) {
        if let table = fields["providers"] {
            guard let members = try Self.object(table, field: "providers").objectMembers else {
                throw ImportMapError(.invalid, "providers must be an object of package name, @scope or registry: → provider")
            }
            options.providerRules = try members.map { key, value throws(ImportMapError) in
                guard let name = value.stringValue else { throw ImportMapError(.invalid, "providers: \(key) must name a provider") }
                return try ProviderRule(key: key, provider: try Provider.forMap(named: name))
            }
        }
        if let config = fields["providerConfig"] { options.jspmCDN = try Self.jspmCDN(try Self.object(config, field: "providerConfig")) }
        if let registry = fields["defaultRegistry"] {
            guard registry.stringValue == "npm" else {
                throw ImportMapError(.invalid, "unsupported option defaultRegistry: \(registry.stringValue ?? registry.display) (Wharf installs bare names from npm; name deno.land modules denoland:NAME and std modules deno:MODULE)")
            }
        }
    }

    /// In 2.16.3 only jspm.io reads a configuration, and of it generation uses `cdnUrl` (the root of
    /// its default layer; `authToken`, `publishUrl`, `rawUrl` serve publishing): anything else is refused, not ignored.
    private static func jspmCDN(_ config: JSONValue) throws(ImportMapError) -> String? {
        guard let providers = config.objectMembers else { throw ImportMapError(.invalid, "providerConfig must be an object of provider → configuration") }
        var cdn: String?
        for (name, settings) in providers {
            let provider = try Provider.forMap(named: name)
            guard let keys = settings.objectMembers else { throw ImportMapError(.invalid, "providerConfig.\(name) must be an object") }
            for (key, value) in keys {
                guard provider == .jspm, key == "cdnUrl" else {
                    throw ImportMapError(.invalid, "unsupported option providerConfig.\(name).\(key): in JSPM Generator 2.16.3 generating reads only jspm.io's cdnUrl (its authToken, publishUrl and rawUrl serve publishing)")
                }
                guard let url = value.stringValue, url.hasPrefix("https://") || url.hasPrefix("http://"), url.hasSuffix("/") else {
                    throw ImportMapError(.invalid, "providerConfig.jspm.io.cdnUrl must be an http(s) URL ending in /")
                }
                cdn = url
            }
        }
        return cdn
    }
}
