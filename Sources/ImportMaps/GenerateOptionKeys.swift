import JSON

/// Every option `/generate` knows, and what Wharf does with it: the seed's keys, Wharf's `output`,
/// and the `GeneratorOptions` of JSPM Generator 2.16.3 (jspm/jspm's generator, the release README
/// names), with 2.5.1's and 1.x's that later releases dropped (`lock`, `latest`, `freeze`). A key outside
/// these tables is refused, never ignored: a client must not get a map it did not ask for.
enum GenerateOptionKeys {
    /// Read by `GenerateRequest` with their documented meaning (`defaultProvider` and
    /// `flattenScopes` are JSPM's names for `provider` and `flattenScope`).
    static let implemented: Set<String> = [
        "install", "env", "inputMap", "flattenScope", "flattenScopes", "graph", "provider", "defaultProvider",
        "resolutions", "ignore", "integrity", "output", "cache", "providers", "providerConfig", "defaultRegistry",
        "mapUrl", "baseUrl", "rootUrl", "combineSubpaths", "latest", "freeze", "lock", "packageConfigs", "fetchRetries",
        "typeScript",
        "expandWildcards", "inputMapFallbacks", "linkedScopes", "dependencyCache",
    ]

    /// Tracing Wharf does not do; `false` (the default) asks for what Wharf does, so it is accepted.
    static let offByDefault: Set<String> = ["commonJS", "system", "preserveSymlinks"]

    /// 2.16.3 options with no meaning in a request, `400 unsupported option KEY: why`, never "unknown",
    /// never ignored; `false` is accepted. `scopedLink` changes only `Generator.link`,
    /// which `/generate` does not offer; `traceCache` hands a client `getCache()`'s snapshot to restore,
    /// where Wharf's store already keeps every package.json and module a generation read.
    static let unsupported: [String: String] = [
        "scopedLink": "it places Generator.link's modules in scopes, and /generate only installs packages, which are always top-level imports; leave it false",
        "traceCache": "Wharf's store is the trace cache: every package.json and module a generation reads is kept for the next request, so there is no client-side cache to enable or restore",
    ]

    /// Options that take functions or runtime objects, which no request can carry.
    static let notSerializable: Set<String> = ["customProviders", "customResolver", "fetchOptions"]

    /// Why `fields` cannot be answered, naming the first offending key (in name order), or nil.
    static func refusal(of fields: [String: JSONValue]) -> ImportMapError? {
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) where !implemented.contains(key) {
            if offByDefault.contains(key) {
                if GenerateRequest.flag(value) { return ImportMapError(.invalid, "unsupported option \(key): Wharf does not trace \(key) sources; leave it false") }
                continue
            }
            if let why = unsupported[key] {
                // `false` asks for what Wharf does (and disables `traceCache` in 2.16.3).
                if [JSONValue.bool(false), .string("false"), .string("0")].contains(value) { continue }
                return ImportMapError(.invalid, "unsupported option \(key): \(why)")
            }
            if notSerializable.contains(key) {
                return ImportMapError(.invalid, "option \(key) is not serializable: it takes functions or runtime objects, which a request cannot carry")
            }
            return ImportMapError(.invalid, "unknown option \(key)")
        }
        return nil
    }
}
