import JSON
import Testing
@testable import ImportMaps

/// `/generate`'s options as one reader sees them: JSPM Generator's names for Wharf's options, and
/// every key Wharf does not implement refused by name, never ignored.
@Suite struct GenerateRequestTests {
    static func request(_ fields: [String: JSONValue]) throws(ImportMapError) -> GenerateRequest {
        var all = fields
        all["install"] = all["install"] ?? .string("react")
        return try GenerateRequest(fields: all)
    }

    static func refusal(_ fields: [String: JSONValue]) -> String? {
        do {
            _ = try request(fields)
            return nil
        } catch {
            return error.kind == .invalid ? error.message : "not invalid: \(error.message)"
        }
    }

    /// JSPM's `defaultProvider` (README of jspm/generator: "defaultProvider: 'jspm.io'") is `provider`.
    @Test func defaultProviderIsJSPMsNameForProvider() throws {
        #expect(try Self.request(["defaultProvider": .string("unpkg")]).options.provider == .unpkg)
        #expect(try Self.request(["provider": .string("unpkg"), "defaultProvider": .string("unpkg")]).options.provider == .unpkg)
        #expect(Self.refusal(["provider": .string("jspm.io"), "defaultProvider": .string("unpkg")]) == "provider and defaultProvider name the same option and differ")
    }

    @Test func flattenScopesIsJSPMsNameForFlattenScope() throws {
        #expect(try Self.request(["flattenScopes": .bool(true)]).options.flattenScope)
        #expect(try Self.request(["flattenScopes": .string("true")]).options.flattenScope, "a query's flag")
        #expect(try Self.request([:]).options.flattenScope == false, "opt-in, as the seed says")
    }

    @Test func unknownKeysAreRefusedByName() {
        #expect(Self.refusal(["instal": .string("react")]) == "unknown option instal")
        #expect(Self.refusal(["zebra": .bool(true), "apple": .bool(true)]) == "unknown option apple", "the first in name order")
    }

    @Test(arguments: ["customProviders", "customResolver", "fetchOptions"])
    func nonSerializableOptionsAreRefused(key: String) {
        #expect(Self.refusal([key: .object([])]) == "option \(key) is not serializable: it takes functions or runtime objects, which a request cannot carry")
    }

    @Test(arguments: [
        "baseUrl", "mapUrl", "rootUrl", "packageConfigs",
        "lock", "latest", "freeze", "combineSubpaths", "fetchRetries",
    ])
    func optionsNotYetImplementedAreRefused(key: String) {
        #expect(Self.refusal([key: .string("x")]) == "unsupported option \(key)")
    }

    /// `false` asks for what Wharf does (no CommonJS, TypeScript or System tracing); `true` is refused.
    @Test(arguments: ["commonJS", "typeScript", "system", "preserveSymlinks"])
    func tracingOptionsMayOnlyBeOff(key: String) throws {
        #expect(throws: Never.self) { _ = try Self.request([key: .bool(false)]) }
        #expect(throws: Never.self) { _ = try Self.request([key: .string("false")]) }
        #expect(Self.refusal([key: .bool(true)]) == "unsupported option \(key): Wharf does not trace \(key) sources; leave it false")
    }

    /// The seed's keys and Wharf's `output` are always accepted.
    @Test func theSeedsKeysAreAccepted() throws {
        let request = try Self.request([
            "install": .array([.string("react@18")]), "env": .string("browser,production"), "inputMap": .string("{\"imports\":{}}"),
            "flattenScope": .bool(true), "graph": .bool(true), "provider": .string("jspm.io"), "output": .string("importmap"),
            "resolutions": .object([("react", .string("18.2.0"))]), "ignore": .string("x"), "integrity": .bool(true),
        ])
        #expect(request.mapOnly)
        #expect(request.options.env == ["browser", "production"])
        #expect(request.options.resolutions == ["react": "18.2.0"])
    }

    @Test func installObjectsAreCheckedKeyByKey() throws {
        let split = try Self.request(["install": .array([.object([("target", .string("lit@3")), ("subpaths", .array([.string("."), .string("./html.js")]))])])])
        #expect(split.options.install.map(\.key) == ["lit", "lit/html.js"])
        #expect(split.options.install.allSatisfy { $0.range == "3" })
        let aliased = try Self.request(["install": .array([.object([("target", .string("lit")), ("alias", .string("l")), ("subpath", .string("./x"))])])])
        #expect(aliased.options.install.map(\.key) == ["l/x"])
        #expect(Self.refusal(["install": .array([.object([("alias", .string("l"))])])]) == "install: an object entry needs a target string")
        #expect(Self.refusal(["install": .array([.object([("target", .string("lit")), ("pin", .bool(true))])])]) == "install: unknown key pin")
        #expect(Self.refusal(["install": .array([.object([("target", .string("lit/x")), ("subpaths", .array([.string(".")]))])])])
                == "install: 'lit/x' names a subpath; give subpaths separately")
        #expect(Self.refusal(["install": .array([.object([("target", .string("lit")), ("subpath", .string(".")), ("subpaths", .array([.string(".")]))])])])
                == "install: give subpath or subpaths, not both")
    }

    @Test func cacheOfflineMakesThisRequestOffline() throws {
        #expect(try Self.request(["cache": .string("offline")]).options.offline)
        #expect(try Self.request(["cache": .bool(true)]).options.offline == false)
        #expect(try Self.request([:]).options.offline == false)
        #expect(Self.refusal(["cache": .bool(false)]) == "unsupported option cache: false (Wharf always answers from its store first)")
        #expect(Self.refusal(["cache": .number("3")]) == "cache must be \"offline\" or true, not 3")
    }
}
