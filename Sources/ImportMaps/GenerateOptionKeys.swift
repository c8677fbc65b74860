import JSON

/// Every option `/generate` knows, and what Wharf does with it: the seed's keys, Wharf's `output`,
/// and the `GeneratorOptions` of JSPM Generator 2.5.1 (the release README names). A key outside
/// these tables is refused, never ignored: a client must not get a map it did not ask for.
enum GenerateOptionKeys {
    /// Read by `GenerateRequest` with their documented meaning (`defaultProvider` and
    /// `flattenScopes` are JSPM's names for `provider` and `flattenScope`).
    static let implemented: Set<String> = [
        "install", "env", "inputMap", "flattenScope", "flattenScopes", "graph", "provider", "defaultProvider",
        "resolutions", "ignore", "integrity", "output", "cache", "providers", "providerConfig", "defaultRegistry",
        "mapUrl", "baseUrl", "rootUrl", "combineSubpaths", "latest", "freeze", "lock", "packageConfigs", "fetchRetries",
        "typeScript",
    ]

    /// Tracing Wharf does not do; `false` (the default) asks for what Wharf does, so it is accepted.
    static let offByDefault: Set<String> = ["commonJS", "system", "preserveSymlinks"]

    /// Serializable options of later generator releases (jspm/jspm's generator 2.16.3) that Wharf does
    /// not implement yet: `400 unsupported option KEY`, never "unknown", never ignored.
    static let unsupported: Set<String> = [
        "dependencyCache", "expandWildcards", "inputMapFallbacks", "linkedScopes", "scopedLink", "traceCache",
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
            if unsupported.contains(key) { return ImportMapError(.invalid, "unsupported option \(key)") }
            if notSerializable.contains(key) {
                return ImportMapError(.invalid, "option \(key) is not serializable: it takes functions or runtime objects, which a request cannot carry")
            }
            return ImportMapError(.invalid, "unknown option \(key)")
        }
        return nil
    }
}
