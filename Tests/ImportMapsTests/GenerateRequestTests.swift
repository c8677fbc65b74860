import Foundation
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

    /// 2.16.3's `scopedLink` (only `Generator.link` reads it) and `traceCache` (a client-held
    /// `getCache()` snapshot) have no meaning in a request: `true` is refused by name, with why;
    /// `false` is what Wharf does.
    @Test func scopedLinkAndTraceCacheAreRefusedByNameUnlessFalse() throws {
        #expect(Self.refusal(["scopedLink": .bool(true)]) == "unsupported option scopedLink: it places Generator.link's modules in scopes, and /generate only installs packages, which are always top-level imports; leave it false")
        #expect(Self.refusal(["traceCache": .bool(true)])?.hasPrefix("unsupported option traceCache: Wharf's store is the trace cache") == true)
        #expect(Self.refusal(["traceCache": .object([("packageConfigs", .object([])), ("analysis", .object([]))])])?.hasPrefix("unsupported option traceCache:") == true)
        for key in ["scopedLink", "traceCache"] {
            #expect(throws: Never.self) { _ = try Self.request([key: .bool(false)]) }
            #expect(throws: Never.self) { _ = try Self.request([key: .string("false")]) }
        }
    }

    /// generator.ts: `combineSubpaths` is `boolean | 'scopes' | 'both' | 'none'`, `true` meaning
    /// `scopes` and `false` `none`, default `true`.
    @Test func combineSubpathsTakesBooleansAndSections() throws {
        #expect(try Self.request([:]).options.combineSubpaths == .scopes, "2.16.3's default")
        #expect(try Self.request(["combineSubpaths": .bool(true)]).options.combineSubpaths == .scopes)
        #expect(try Self.request(["combineSubpaths": .string("")]).options.combineSubpaths == .scopes, "a query's bare flag")
        #expect(try Self.request(["combineSubpaths": .bool(false)]).options.combineSubpaths == SubpathCombining.none)
        #expect(try Self.request(["combineSubpaths": .string("both")]).options.combineSubpaths == .both)
        #expect(try Self.request(["combineSubpaths": .string("none")]).options.combineSubpaths == SubpathCombining.none)
        #expect(Self.refusal(["combineSubpaths": .string("imports")]) == "combineSubpaths must be true, false, \"scopes\", \"both\" or \"none\", not \"imports\"")
    }

    /// `inputMapFallbacks?: boolean | 'semver-compatible'`, default `true`; `expandWildcards` and
    /// `dependencyCache` are booleans, default false.
    @Test func fallbacksWildcardsAndDependencyCacheAreRead() throws {
        #expect(try Self.request([:]).options.inputMapFallbacks == .trusted)
        #expect(try Self.request(["inputMapFallbacks": .bool(false)]).options.inputMapFallbacks == .ignored)
        #expect(try Self.request(["inputMapFallbacks": .string("semver-compatible")]).options.inputMapFallbacks == .semverCompatible)
        #expect(Self.refusal(["inputMapFallbacks": .string("compatible")]) == "inputMapFallbacks must be true, false or \"semver-compatible\", not \"compatible\"")
        #expect(try Self.request([:]).options.expandWildcards == false)
        #expect(try Self.request(["expandWildcards": .string("")]).options.expandWildcards)
        #expect(Self.refusal(["expandWildcards": .string("all")]) == "expandWildcards must be true or false, not \"all\"")
        #expect(try Self.request(["dependencyCache": .bool(true)]).options.dependencyCache)
        #expect(Self.refusal(["dependencyCache": .number("2")]) == "dependencyCache must be true or false, not 2")
    }

    /// generator.ts's constructor resolves `linkedScopes` URLs against `baseUrl` and ends each in `/`;
    /// Wharf keeps them as secondary → primary (lock.ts `resolveScopeGroup`: the first group wins).
    @Test func linkedScopesAreResolvedAgainstTheBaseURL() throws {
        let absolute = try Self.request(["linkedScopes": .string(#"{"https://ga.jspm.io/npm:a@1.0.0":["https://ga.jspm.io/npm:b@1.0.0/"]}"#)])
        #expect(absolute.options.linkedScopes == ["https://ga.jspm.io/npm:b@1.0.0/": "https://ga.jspm.io/npm:a@1.0.0/"])
        let relative = try Self.request(["baseUrl": .string("https://ga.jspm.io/"), "linkedScopes": .object([("./npm:a@1.0.0/", .array([.string("./npm:b@1.0.0")]))])])
        #expect(relative.options.linkedScopes == ["https://ga.jspm.io/npm:b@1.0.0/": "https://ga.jspm.io/npm:a@1.0.0/"])
        #expect(Self.refusal(["linkedScopes": .object([("./a/", .array([.string("./b/")]))])]) == "linkedScopes: './a/' is not an absolute http(s) URL, and no baseUrl says what it is relative to")
        #expect(Self.refusal(["linkedScopes": .object([("https://x.test/a/", .string("https://x.test/b/"))])]) == "linkedScopes: the value for 'https://x.test/a/' must be an array of scope URLs")
        #expect(Self.refusal(["linkedScopes": .array([])]) == "linkedScopes must be an object of primary scope URL: [secondary scope URLs]")
    }

    /// `false` asks for what Wharf does (no CommonJS or System tracing); `true` is refused.
    @Test(arguments: ["commonJS", "system", "preserveSymlinks"])
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
        // 2.16.3's `Install.subpaths?: … | true`: every exported subpath.
        let every = try Self.request(["install": .array([.object([("target", .string("lit@3")), ("subpaths", .bool(true))])])])
        #expect(every.options.install.map(\.allSubpaths) == [true])
        #expect(Self.refusal(["install": .array([.object([("target", .string("lit/x")), ("subpaths", .bool(true))])])])
                == "install: subpaths: true takes an npm package without a subpath, not 'lit/x'")
    }

    @Test func cacheOfflineMakesThisRequestOffline() throws {
        #expect(try Self.request(["cache": .string("offline")]).options.offline)
        #expect(try Self.request(["cache": .bool(true)]).options.offline == false)
        #expect(try Self.request([:]).options.offline == false)
        #expect(Self.refusal(["cache": .bool(false)]) == "unsupported option cache: false (Wharf always answers from its store first)")
        #expect(Self.refusal(["cache": .number("3")]) == "cache must be \"offline\" or true, not 3")
    }

    /// `mapUrl`, `baseUrl`, `rootUrl` with JSPM 2.16.3's defaults, unchanged since 2.5.1 (see MapURLsTests); `file:` URLs only
    /// from `wharf generate`, which reads the local disk; over HTTP they are refused by key.
    @Test func outputURLsAndWhereFileURLsAreAllowed() throws {
        let page = try Self.request(["mapUrl": .string("http://wharf.test/site/sub/index.html"), "rootUrl": .string("http://wharf.test")])
        #expect(page.options.mapURLs.mapDirectory?.absoluteString == "http://wharf.test/site/sub/")
        #expect(page.options.mapURLs.rootUrl?.absoluteString == "http://wharf.test/")
        #expect(try Self.request([:]).options.mapURLs.isEmpty)
        for key in ["mapUrl", "baseUrl", "rootUrl"] {
            #expect(Self.refusal([key: .string("file:///site/sub/importmap.json")]) == "\(key): file: URLs are refused over HTTP (only wharf generate reads the local disk)")
            #expect(Self.refusal([key: .string("http://[::1")]) == "\(key): 'http://[::1' is not a URL")
            #expect(Self.refusal([key: .string("data:text/plain,x")]) == "\(key): 'data:text/plain,x' must be an http:, https: or file: URL")
            #expect(Self.refusal([key: .bool(true)]) == "\(key) must be a URL string")
        }
        #expect(Self.refusal(["mapUrl": .string("sub/importmap.json")]) == "mapUrl: 'sub/importmap.json' is relative and there is no baseUrl to resolve it against")
        #expect(Self.refusal(["mapUrl": .string("sub/"), "baseUrl": .string("file:///site/")]) == "baseUrl: file: URLs are refused over HTTP (only wharf generate reads the local disk)")

        let cwd = URL(string: "file:///work/app/")!
        let cli = try GenerateRequest(fields: ["install": .string("react"), "mapUrl": .string("file:///site/sub/importmap.json")], from: .commandLine(workingDirectory: cwd))
        #expect(cli.options.mapURLs.mapDirectory?.absoluteString == "file:///site/sub/")
        let relative = try GenerateRequest(fields: ["install": .string("react"), "rootUrl": .string("public")], from: .commandLine(workingDirectory: cwd))
        #expect(relative.options.mapURLs.rootUrl?.absoluteString == "file:///work/app/public/", "relative to the working directory, as JSPM's process base")
    }

    /// generator 1.x's `latest` and `freeze` set the install mode ("latest-primaries", "freeze");
    /// jspm/jspm generator/test/api/freeze.test.js: "When freeze is combined with "latest", the installer throws".
    @Test func latestAndFreezeChooseTheInstallMode() throws {
        #expect(try Self.request([:]).options.installMode == .default)
        #expect(try Self.request(["latest": .bool(true)]).options.installMode == .latestPrimaries)
        #expect(try Self.request(["freeze": .string("true")]).options.installMode == .freeze, "a query's flag")
        #expect(try Self.request(["freeze": .bool(false), "latest": .bool(false)]).options.installMode == .default)
        #expect(Self.refusal(["latest": .bool(true), "freeze": .bool(true)]) == "latest and freeze cannot be combined: latest bumps the versions freeze keeps")
        #expect(Self.refusal(["latest": .number("1")]) == "latest must be true or false, not 1")
    }

    /// `fetchRetries`: a number of retries (generator.ts: "The number of fetch retries to attempt
    /// for request failures"); a query carries it as text.
    @Test func fetchRetriesIsAWholeNumber() throws {
        #expect(try Self.request([:]).options.fetchRetries == 3)
        #expect(try Self.request(["fetchRetries": .number("3")]).options.fetchRetries == 3)
        #expect(try Self.request(["fetchRetries": .string("2")]).options.fetchRetries == 2)
        let message = "fetchRetries must be a whole number from 0 to \(GenerateRequest.maxFetchRetries)"
        for bad: JSONValue in [.number("-1"), .number("99999999999999999999999"), .number("1.5"), .string("x"), .bool(true), .number("11")] {
            #expect(Self.refusal(["fetchRetries": bad]) == "\(message), not \(bad.stringValue ?? bad.display)")
        }
    }

    /// `packageConfigs`: package URL → package.json object, or null (generator 2.7.2+'s option);
    /// URLs are absolute here, as Wharf has no base URL to resolve others against.
    @Test func packageConfigsAreKeyedByPackageURL() throws {
        let read = try Self.request(["packageConfigs": .string(#"{"https://ga.jspm.io/npm:a@1.0.0/": {"main": "x.js"}, "https://ga.jspm.io/npm:b@1.0.0/package.json": null}"#)])
        #expect(read.options.packageConfigs.keys.sorted() == ["https://ga.jspm.io/npm:a@1.0.0/", "https://ga.jspm.io/npm:b@1.0.0/package.json"])
        #expect(Self.refusal(["packageConfigs": .array([])]) == "packageConfigs must be an object of package URL: package.json (or null)")
        #expect(Self.refusal(["packageConfigs": .object([("./pkg/", .object([]))])]) == "packageConfigs: './pkg/' is not an absolute http(s) package URL")
        #expect(Self.refusal(["packageConfigs": .object([("https://ga.jspm.io/npm:a@1.0.0/", .string("x"))])])
                == "packageConfigs: the value for 'https://ga.jspm.io/npm:a@1.0.0/' must be a package.json object or null")
    }

    /// `lock`: `LockResolutions` (lock.ts): primary, secondary and flattened installs.
    @Test func lockIsLockResolutions() throws {
        let lock = #"{"primary": {"a": {"installUrl": "https://ga.jspm.io/npm:a@1.0.0/", "installSubpath": null}}, "secondary": {}, "flattened": {}}"#
        #expect(try Self.request(["lock": .string(lock)]).options.lock?["primary"] != nil)
        #expect(Self.refusal(["lock": .object([("primary", .array([]))])]) == "lock: primary must be an object of name: {installUrl, installSubpath}")
        #expect(Self.refusal(["lock": .object([("pins", .object([]))])]) == "lock: unknown key pins (LockResolutions has primary, secondary, flattened)")
    }
}
