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

    public init() {}
}

/// What `/generate` answers.
public struct GenerateResult: Sendable {
    public var map: JSONValue
    public var staticDeps: [String]
    public var dynamicDeps: [String]
    /// `{pkgUrl: {file: {staticDeps, dynamicDeps}}}` when `graph` was asked for.
    public var graph: JSONValue?
}
