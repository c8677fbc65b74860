import Foundation
import Testing
import WharfTestSupport

/// `/generate`'s output URLs and shape over HTTP (GET and POST): `mapUrl`, `rootUrl`,
/// `combineSubpaths`, and the refusals of `file:` and invalid URLs by key. Wharf's public URL in
/// these fixtures is http://wharf.test. Expected maps from JSPM Generator 2.16.3's `GeneratorOptions`
/// documentation (generator/src/generator.ts; 2.5.1 says the same of the URL options) and
/// @jspm/import-map's `rebase`/`combineSubpaths`.
@Suite struct GenerateOutputRoutesTests {
    static func post(_ cdn: CDNFixture, _ body: [String: Any]) async throws -> TestResponse {
        try await cdn.client.request(cdn.wharf.baseURL + "/generate", method: .POST, headers: [("Content-Type", "application/json")],
                                     body: Array(try JSONSerialization.data(withJSONObject: body)))
    }

    /// GeneratorOptions.rootUrl (root-relative `/…`) and mapUrl (relative to the map's folder) with
    /// `provider=local`: the same map works from any page of the site (rootUrl) or from /site/sub/.
    @Test func localMapsForAPageOfTheSite() async throws {
        try await CDNFixture.with(routes: NpmFixture.routes) { cdn in
            let rooted = try await cdn.get("/generate?install=app-lib&provider=local&rootUrl=http://wharf.test/&output=importmap")
            #expect(rooted.status == 200, "\(rooted.text)")
            #expect(rooted.json?["imports"] as? [String: String] == ["app-lib": "/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js"])
            #expect(rooted.json?["scopes"] as? [String: [String: String]] == ["/cdn/ga.jspm.io/": [
                "dyn": "/cdn/ga.jspm.io/npm:dyn@1.0.0/index.js", "shared": "/cdn/ga.jspm.io/npm:shared@1.1.0/esm/index.js",
            ]])

            let relative = try await Self.post(cdn, ["install": ["app-lib"], "provider": "local", "mapUrl": "http://wharf.test/site/sub/index.html"])
            #expect(relative.status == 200, "\(relative.text)")
            let map = try #require(relative.json?["map"] as? [String: Any])
            #expect(map["imports"] as? [String: String] == ["app-lib": "../../cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js"])
            #expect(map["scopes"] as? [String: [String: String]] == ["../../cdn/ga.jspm.io/": [
                "dyn": "../../cdn/ga.jspm.io/npm:dyn@1.0.0/index.js", "shared": "../../cdn/ga.jspm.io/npm:shared@1.1.0/esm/index.js",
            ]])
            #expect(relative.json?["staticDeps"] as? [String] == [
                "http://wharf.test/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js", "http://wharf.test/cdn/ga.jspm.io/npm:shared@1.1.0/esm/index.js",
            ], "the trace's URLs stay absolute")

            // Absent, the answer is what it always was: absolute Wharf URLs.
            let plain = try await cdn.get("/generate?install=app-lib&provider=local&output=importmap")
            #expect(plain.json?["imports"] as? [String: String] == ["app-lib": "http://wharf.test/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js"])
        }
    }

    /// import-map `combineSubpaths`: uses-kit's `kit/a.js` and `kit/b.js` become `kit/` in the scope.
    @Test func combineSubpathsInAQueryAndABody() async throws {
        try await CDNFixture.with(routes: NpmFixture.routes) { cdn in
            let expected: [String: [String: String]] = ["https://ga.jspm.io/": [
                "kit": "https://ga.jspm.io/npm:kit@1.0.0/index.js", "kit/": "https://ga.jspm.io/npm:kit@1.0.0/",
            ]]
            let query = try await cdn.get("/generate?install=uses-kit&combineSubpaths")
            #expect(query.status == 200, "\(query.text)")
            #expect((query.json?["map"] as? [String: Any])?["scopes"] as? [String: [String: String]] == expected)
            let body = try await Self.post(cdn, ["install": ["uses-kit"], "combineSubpaths": true])
            #expect((body.json?["map"] as? [String: Any])?["scopes"] as? [String: [String: String]] == expected)
        }
    }

    /// 2.16.3's shape options over HTTP: a query's `combineSubpaths=none&expandWildcards` keeps
    /// uses-wild's two files (test/resolve/wildcard-scoped.test.js, "With expandWildcards: true, scope
    /// entries remain expanded"); by default they are one `wild/modules/` folder mapping. A body's
    /// `dependencyCache` adds each traced module's direct dependencies (generator.ts `GeneratorOptions`).
    @Test func wildcardsAndDependencyCacheInAQueryAndABody() async throws {
        try await CDNFixture.with(routes: NpmFixture.routes) { cdn in
            let wild = "https://ga.jspm.io/npm:wild@1.0.0/modules/", usesWild = "https://ga.jspm.io/npm:uses-wild@1.0.0/index.js"
            let expanded = try await cdn.get("/generate?install=uses-wild&combineSubpaths=none&expandWildcards&output=importmap")
            #expect(expanded.status == 200, "\(expanded.text)")
            #expect(expanded.json.map { $0 as NSDictionary } == [
                "imports": ["uses-wild": usesWild],
                "scopes": ["https://ga.jspm.io/": ["wild/modules/a.js": wild + "a.js", "wild/modules/b.js": wild + "b.js"]],
            ] as NSDictionary, "\(expanded.text)")
            let body = try await Self.post(cdn, ["install": ["uses-wild"], "dependencyCache": true])
            #expect(body.status == 200, "\(body.text)")
            #expect((body.json?["map"] as? [String: Any]).map { $0 as NSDictionary } == [
                "imports": ["uses-wild": usesWild],
                "scopes": ["https://ga.jspm.io/": ["wild/modules/": wild]],
                "dependencyCache": [usesWild: [wild + "a.js", wild + "b.js"], wild + "a.js": [String](), wild + "b.js": [String]()],
            ] as NSDictionary, "\(body.text)")
            let refused = try await cdn.get("/generate?install=uses-wild&inputMapFallbacks=maybe")
            #expect(refused.status == 400)
            #expect(refused.json?["error"] as? String == "inputMapFallbacks must be true, false or \"semver-compatible\", not \"maybe\"")
        }
    }

    /// Only `wharf generate` reads the local disk: over HTTP a `file:` URL in any of the three keys
    /// is a 400 naming the key, and so is a URL that does not parse.
    @Test func fileAndInvalidURLsAreRefusedByKey() async throws {
        try await CDNFixture.with(routes: NpmFixture.routes) { cdn in
            for key in ["mapUrl", "baseUrl", "rootUrl"] {
                let get = try await cdn.get("/generate?install=app-lib&\(key)=file:///site/sub/importmap.json")
                #expect(get.status == 400)
                #expect(get.json?["error"] as? String == "\(key): file: URLs are refused over HTTP (only wharf generate reads the local disk)")
                let post = try await Self.post(cdn, ["install": ["app-lib"], key: "file:///site/"])
                #expect(post.status == 400)
                #expect(post.json?["error"] as? String == "\(key): file: URLs are refused over HTTP (only wharf generate reads the local disk)")
                let invalid = try await Self.post(cdn, ["install": ["app-lib"], key: "http://[::1"])
                #expect(invalid.status == 400)
                #expect(invalid.json?["error"] as? String == "\(key): 'http://[::1' is not a URL")
            }
            let relative = try await cdn.get("/generate?install=app-lib&mapUrl=sub/importmap.json")
            #expect(relative.status == 400)
            #expect(relative.json?["error"] as? String == "mapUrl: 'sub/importmap.json' is relative and there is no baseUrl to resolve it against")
        }
    }
}
