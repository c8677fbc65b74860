import JSON
/// The options of `/generate`, with JSPM Generator's meaning and defaults.
public struct GenerateOptions: Sendable {
    public var install: [InstallTarget] = []
    /// Conditions; `import` and `default` always apply on top of these.
    public var env: [String] = ["browser", "development", "module"]
    public var inputMap: JSONValue?
    public var flattenScope = false
    /// JSPM's `defaultProvider`: the provider of every package no `providerRules` entry names.
    public var provider: Provider = .jspm
    /// JSPM's `providers`, in the order given (the first match wins).
    public var providerRules: [ProviderRule] = []
    /// `providerConfig["jspm.io"].cdnUrl`: jspm.io's layout at another root (a mirror).
    public var jspmCDN: String?
    /// Package name → exact version (or range) to use wherever that package is needed.
    public var resolutions: [String: String] = [:]
    /// Specifiers left out of the map and the trace.
    public var ignore: Set<String> = []
    public var integrity = false
    public var graph = false
    /// JSPM's `cache: "offline"`: this request reads only the store, as `wharf generate --offline`.
    public var offline = false
    /// JSPM's `mapUrl`, `baseUrl` and `rootUrl`: how the map's URLs are written (none: as they are).
    public var mapURLs = MapURLs()
    /// JSPM's `combineSubpaths`: a package's subpath mappings folded into one `pkg/` mapping, in
    /// scopes (2.16.3's default), in scopes and `imports`, or nowhere.
    public var combineSubpaths = SubpathCombining.scopes
    /// JSPM's `expandWildcards` (2.16.3, default false): false writes the mappings under an identity
    /// `*` export (`./modules/*` → `./modules/*`) as one `pkg/modules/` mapping.
    public var expandWildcards = false
    /// JSPM's `inputMapFallbacks` (2.16.3): how flattened-scope locks (`https://ga.jspm.io/`) serve
    /// dependencies.
    public var inputMapFallbacks = InputMapFallbacks.trusted
    /// JSPM's `linkedScopes`: secondary package URL → the primary package URL whose package.json
    /// ranges and locks its modules' dependencies use (absolute, each ending in `/`).
    public var linkedScopes: [String: String] = [:]
    /// JSPM's `dependencyCache`: the map gains `dependencyCache`, each traced module's direct static
    /// and dynamic dependencies.
    public var dependencyCache = false
    /// How versions already in `inputMap` or `lock` are treated (generator 1.x's `latest`, `freeze`).
    public var installMode: InstallMode = .default
    /// JSPM's `lock`: `LockResolutions` (`{primary, secondary, flattened}`), used for resolutions.
    public var lock: JSONValue?
    /// JSPM's `packageConfigs`: package URL (optionally ending in `package.json`) → the package.json
    /// to use instead of the package's own, or `null` for none.
    public var packageConfigs: [String: JSONValue] = [:]
    /// JSPM's `fetchRetries`: further attempts after an upstream fetch fails on the way; 2.16.3's
    /// documented default is 3.
    public var fetchRetries = 3
    /// JSPM's `typeScript`: `.ts` and `.mts` modules of every provider are traced (deno.land's
    /// always are), with type-only imports left out.
    public var typeScript = false
    /// The `nodemodules` provider's disk, when a provider option names it (only `wharf generate`).
    public var nodeModules: NodeModules?

    public init() {}
}

/// JSPM's `combineSubpaths` values: `true` is `scopes`, `false` is `none`.
public enum SubpathCombining: String, Sendable, Equatable {
    case none, scopes, both
}

/// JSPM's `inputMapFallbacks` (installer.ts `install`): `true`, `false`, `"semver-compatible"`.
public enum InputMapFallbacks: Sendable, Equatable {
    /// `true` (the default): a flattened lock serves a dependency in range, and any under `freeze`.
    case trusted
    /// `false`: flattened locks are never looked up for a dependency.
    case ignored
    /// `"semver-compatible"`: only a flattened lock in the dependent's range, also under `freeze`.
    case semverCompatible
}

/// JSPM Generator's install modes (installer.ts `InstallMode`) that a request can choose.
public enum InstallMode: Sendable, Equatable {
    /// Locked versions are kept unless out of the range that asks for them.
    case `default`
    /// `latest`: top-level installs take the latest in range; dependencies as in `default`.
    case latestPrimaries
    /// `freeze`: no locked version changes, and locked versions are used wherever possible.
    case freeze
}

/// What `/generate` answers.
public struct GenerateResult: Sendable {
    public var map: JSONValue
    public var staticDeps: [String]
    public var dynamicDeps: [String]
    /// `{pkgUrl: {file: {staticDeps, dynamicDeps}}}` when `graph` was asked for.
    public var graph: JSONValue?
}
