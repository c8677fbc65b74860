import EdgeCache
import Foundation
import Semver

/// Which provider serves each package of one generation, and the root its URLs start with:
/// JSPM's `defaultProvider`, its `providers` table and the `cdnUrl` of its `providerConfig`.
struct ProviderTable: Sendable {
    var defaultProvider: Provider = .jspm
    var rules: [ProviderRule] = []
    /// jspm.io's default layer at another root (`providerConfig["jspm.io"].cdnUrl`, a mirror).
    var jspmRoot: String?

    init(_ options: GenerateOptions) {
        defaultProvider = options.provider
        rules = options.providerRules
        jspmRoot = options.jspmCDN
        // JSPM's installer: with deno as the default, npm packages come from jspm.io, or from the
        // provider `providers` gives `npm:`; that entry is checked before the others.
        if defaultProvider == .deno, let npm = try? ProviderRule(key: "npm:", provider: rules.first(where: { $0.key == "npm:" })?.provider ?? .jspm) {
            rules.removeAll { $0.key == "npm:" }
            rules.insert(npm, at: 0)
        }
    }

    /// As JSPM's `Installer.getProvider`: the first rule, in the order given, that matches.
    func provider(for package: PackageID) -> Provider {
        rules.first { $0.matches(package.name, version: package.version) }?.provider ?? defaultProvider
    }

    /// The provider of `name` as far as the name alone decides (offline version listings).
    func provider(forName name: String) -> Provider {
        rules.first { $0.matches(name, version: nil) }?.provider ?? defaultProvider
    }

    /// Every provider the request names, the default first.
    var named: [Provider] {
        var all = [defaultProvider]
        for rule in rules where !all.contains(rule.provider) { all.append(rule.provider) }
        return all
    }

    /// The root of a provider's URLs (`local` writes ga.jspm.io's, relocated in the answer;
    /// `nodemodules` the disk's, its packages' folders found there).
    func root(of provider: Provider) -> String {
        if provider == .jspm, let jspmRoot { return jspmRoot }
        if provider == .nodeModules { return "file:///" }
        return "https://\(provider.host)/"
    }

    func packageURL(_ package: PackageID) -> String {
        let provider = provider(for: package)
        return root(of: provider) + String(provider.packagePath(package).dropFirst())
    }

    /// The start of the cache keys of every version of `name` (what offline generation can serve).
    func cachePrefix(name: String) -> String {
        let provider = provider(forName: name)
        let root = root(of: provider)
        return String(root.dropFirst(root.hasPrefix("https://") ? 8 : 7)) + String(provider.namePath(name).dropFirst())
    }

    /// The package and file of a URL under one of the request's providers' roots.
    func locate(_ url: String) -> (Provider, PackageID, file: String)? {
        for provider in named {
            let root = root(of: provider)
            guard url.hasPrefix(root), let (package, file) = provider.package(inPath: url.dropFirst(root.count)) else { continue }
            // jspm.io and local share a root: the URL is of the provider its package is given to.
            let owner = self.provider(for: package)
            return (self.root(of: owner) == root ? owner : provider, package, file)
        }
        return nil
    }

    /// The host `package`'s provider needs, when it is not in `[upstreams]`: 400, naming both,
    /// never a silent fallback to another CDN.
    func checkAllowed(_ package: PackageID, by upstreams: UpstreamSet) throws(ImportMapError) {
        let provider = provider(for: package)
        guard provider != .deno else {
            // deno.ts `pkgToUrl`'s refusal, in its words.
            throw ImportMapError(.invalid, "Deno provider does not support the npm registry for package \"\(package.name)\" - perhaps you mean to install \"denoland:\(package.name)\"?")
        }
        try checkAllowed(provider, by: upstreams)
    }

    /// The host `provider` needs, when it is not in `[upstreams]`.
    func checkAllowed(_ provider: Provider, by upstreams: UpstreamSet) throws(ImportMapError) {
        guard let host = URLComponents(string: root(of: provider))?.host?.lowercased(), upstreams.origin(for: host) == nil else { return }
        throw ImportMapError(.invalid, "provider \(provider.rawValue) needs host \(host), which is not in [upstreams]")
    }
}

/// One entry of JSPM's `providers`: a package name, an `@scope`, a registry (`npm:`) or, as the
/// issue asks (2.16.3's `getProvider` matches no such key), `name@range` → provider.
public struct ProviderRule: Sendable, Equatable {
    public var key: String
    public var provider: Provider

    public init(key: String, provider: Provider) throws(ImportMapError) {
        self.key = key
        self.provider = provider
        if key.hasSuffix(":") {
            guard key == "npm:" else {
                throw ImportMapError(.invalid, "providers: registry \(key) is not one Wharf resolves (only npm:)")
            }
        } else if let (_, range) = nameAndRange, (try? Semver.Range(range)) == nil {
            throw ImportMapError(.invalid, "providers: \(key) has an invalid range")
        } else if key.isEmpty || key.contains(" ") {
            throw ImportMapError(.invalid, "providers: '\(key)' is not a package name, @scope, name@range or registry:")
        }
    }

    /// `name@range` split; nil for a name, a scope or a registry.
    var nameAndRange: (String, String)? {
        let search = key.hasPrefix("@") ? key.dropFirst() : Substring(key)
        guard let at = search.firstIndex(of: "@") else { return nil }
        return (String(key[..<at]), String(key[key.index(after: at)...]))
    }

    /// JSPM's match: a registry key every package of it; a name that package and, as a prefix up
    /// to a `/`, a scope's packages. `name@range` also needs the version in range (when known).
    func matches(_ name: String, version: Version?) -> Bool {
        if key == "npm:" { return true }
        if let (ruleName, range) = nameAndRange {
            guard ruleName == name else { return false }
            guard let version else { return true }
            return (try? Semver.Range(range))?.satisfies(version) ?? false
        }
        return name.hasPrefix(key) && (name.count == key.count || name.dropFirst(key.count).hasPrefix("/"))
    }
}
