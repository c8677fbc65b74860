import Crypto
import Foundation
import Hummingbird
import Testing
import WharfTestSupport

/// `/generate` against a fixture npm registry and ga.jspm.io made by the test.
@Suite struct GenerateRoutesTests {
    static var packages: [String: [String: [String: String]]] { NpmFixture.packages }
    static var routes: [String: TestOrigin.Handler] { NpmFixture.routes }

    static func url(_ package: String, _ file: String) -> String { "https://ga.jspm.io/npm:\(package)/\(file)" }

    func generate(_ cdn: CDNFixture, _ query: String) async throws -> TestResponse {
        try await cdn.get("/generate?" + query)
    }

    static func post(_ cdn: CDNFixture, _ body: [String: Any]) async throws -> TestResponse {
        try await cdn.client.request(cdn.wharf.baseURL + "/generate", method: .POST, headers: [("Content-Type", "application/json")],
                                     body: Array(try JSONSerialization.data(withJSONObject: body)))
    }

    @Test func aPackageWithConditionsDependenciesAndDynamicImports() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let response = try await generate(cdn, "install=app-lib")
            #expect(response.status == 200, "\(response.text)")
            let json = try #require(response.json)
            let map = try #require(json["map"] as? [String: Any])
            #expect(map["imports"] as? [String: String] == ["app-lib": Self.url("app-lib@1.0.0", "browser.js")])
            #expect(map["scopes"] as? [String: [String: String]] == ["https://ga.jspm.io/": [
                "shared": Self.url("shared@1.1.0", "esm/index.js"), "dyn": Self.url("dyn@1.0.0", "index.js"),
            ]])
            #expect(json["staticDeps"] as? [String] == [Self.url("app-lib@1.0.0", "browser.js"), Self.url("shared@1.1.0", "esm/index.js")])
            #expect(json["dynamicDeps"] as? [String] == [Self.url("dyn@1.0.0", "index.js")])
        }
    }

    /// JSPM's `defaultProvider` picks the CDN (jspm/generator README: `defaultProvider: 'jspm.io'`), and
    /// an option Wharf does not implement is a 400 naming it, in a query and in a body alike.
    @Test func jspmOptionNamesAndRefusedOptions() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let unpkg = try #require(try await generate(cdn, "install=app-lib&defaultProvider=unpkg").json?["map"] as? [String: Any])
            #expect(unpkg["imports"] as? [String: String] == ["app-lib": "https://unpkg.com/app-lib@1.0.0/browser.js"])
            let unknown = try await generate(cdn, "install=app-lib&flatten=1")
            #expect(unknown.status == 400)
            #expect(unknown.json?["error"] as? String == "unknown option flatten")
            let posted = try await Self.post(cdn, ["install": ["app-lib"], "commonJS": true])
            #expect(posted.status == 400)
            #expect(posted.json?["error"] as? String == "unsupported option commonJS: Wharf does not trace commonJS sources; leave it false")
            let resolver = try await Self.post(cdn, ["install": ["app-lib"], "customResolver": [String: String]()])
            #expect(resolver.status == 400)
            #expect((resolver.json?["error"] as? String)?.hasPrefix("option customResolver is not serializable") == true)
        }
    }

    /// JSPM's `Install` objects: `subpaths` become one install each, `alias` renames the key
    /// (jspm/jspm generator 2.16.3 `Generator.install` splits subpaths the same way, as 2.5.1 did).
    @Test func installObjectsWithSubpathsAndAlias() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let response = try await Self.post(cdn, ["install": [["target": "app-lib@1", "alias": "app", "subpaths": [".", "./feature/a"]]]])
            #expect(response.status == 200, "\(response.text)")
            let map = try #require(response.json?["map"] as? [String: Any])
            #expect(map["imports"] as? [String: String] == [
                "app": Self.url("app-lib@1.0.0", "browser.js"),
                "app/feature/a": Self.url("app-lib@1.0.0", "src/feature/a.js"),
            ])
            let bad = try await Self.post(cdn, ["install": [["target": "app-lib", "subpaths": ["feature/a"]]]])
            #expect(bad.status == 400)
            #expect(bad.json?["error"] as? String == "install: subpaths must be \".\" or \"./path\" (a list of them for subpaths)")
        }
    }

    @Test func sharedVersionsConflictsAndFlattening() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let shared = try #require(try await generate(cdn, "install=app-lib,other").json?["map"] as? [String: Any])
            #expect((shared["scopes"] as? [String: [String: String]])?["https://ga.jspm.io/"]?["shared"] == Self.url("shared@1.1.0", "esm/index.js"))
            #expect((shared["imports"] as? [String: String])?["other"] == Self.url("other@2.0.0", "lib/main.js"), "main without extension")

            let conflict = try #require(try await generate(cdn, "install=app-lib,conflict").json?["map"] as? [String: Any])
            let scopes = try #require(conflict["scopes"] as? [String: [String: String]])
            #expect(scopes["https://ga.jspm.io/"]?["shared"] == Self.url("shared@1.1.0", "esm/index.js"))
            #expect(scopes["https://ga.jspm.io/npm:conflict@1.0.0/"]?["shared"] == Self.url("shared@2.0.0", "esm/index.js"))

            // A top-level install out of a dependency's range does not serve that dependency.
            let topLevel = try #require(try await generate(cdn, "install=shared@2,app-lib").json?["map"] as? [String: Any])
            #expect((topLevel["imports"] as? [String: String])?["shared"] == Self.url("shared@2.0.0", "esm/index.js"))
            #expect((topLevel["scopes"] as? [String: [String: String]])?["https://ga.jspm.io/"]?["shared"] == Self.url("shared@1.1.0", "esm/index.js"))

            let flat = try #require(try await generate(cdn, "install=app-lib&flattenScope=true").json?["map"] as? [String: Any])
            #expect(flat["scopes"] == nil)
            #expect((flat["imports"] as? [String: String])?["shared"] == Self.url("shared@1.1.0", "esm/index.js"))
            let flatConflict = try #require(try await generate(cdn, "install=app-lib,conflict&flattenScope").json?["map"] as? [String: Any])
            #expect((flatConflict["scopes"] as? [String: [String: String]])?.keys.sorted() == ["https://ga.jspm.io/npm:conflict@1.0.0/"])
        }
    }

    @Test func targetsEnvAndErrors() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let node = try #require(try await generate(cdn, "install=app-lib&env=module,production").json?["map"] as? [String: Any])
            #expect((node["imports"] as? [String: String])?["app-lib"] == Self.url("app-lib@1.0.0", "index.js"))
            let feature = try #require(try await generate(cdn, "install=app-lib/feature/a").json?["map"] as? [String: Any])
            #expect((feature["imports"] as? [String: String])?["app-lib/feature/a"] == Self.url("app-lib@1.0.0", "src/feature/a.js"))
            let alias = try #require(try await generate(cdn, "install=x%3Dapp-lib").json?["map"] as? [String: Any])
            #expect((alias["imports"] as? [String: String])?.keys.sorted() == ["x"])
            let latest = try #require(try await generate(cdn, "install=pre").json?["map"] as? [String: Any])
            #expect((latest["imports"] as? [String: String])?["pre"] == Self.url("pre@0.9.0", "index.js"))
            let prerelease = try #require(try await generate(cdn, "install=pre@").json?["map"] as? [String: Any])
            #expect((prerelease["imports"] as? [String: String])?["pre"] == Self.url("pre@1.0.0-beta.1", "index.js"))

            let unresolvable = try await generate(cdn, "install=app-lib@%5E9")
            #expect(unresolvable.status == 404)
            #expect(unresolvable.json?["error"] as? String == "Unable to resolve npm:app-lib@^9 to a valid version")
            // A package the registry does not know: JSPM's message, never an upstream URL of Wharf's.
            let unknown = try await generate(cdn, "install=no-such-package")
            #expect(unknown.status == 404)
            #expect(unknown.json?["error"] as? String == "Unable to resolve npm:no-such-package to a valid version", "\(unknown.text)")
            #expect(try await generate(cdn, "install=app-lib/private/x").status == 404)
            #expect(try await generate(cdn, "install=app-lib&env=require").status == 400)
            #expect(try await generate(cdn, "install=").status == 400)
        }
    }

    @Test func inputMapIntegrityPostAndImportmapOutput() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            // The input map's module gets integrity too (JSPM traces the input map's imports as pins).
            let mine = Self.url("other@2.0.0", "lib/main.js")
            let body = Array(#"{"install":["app-lib"],"inputMap":{"imports":{"app-lib":"\#(mine)"}},"integrity":true}"#.utf8)
            let response = try await cdn.client.request(cdn.wharf.baseURL + "/generate", method: .POST, body: body)
            #expect(response.status == 200, "\(response.text)")
            let map = try #require(response.json?["map"] as? [String: Any])
            #expect((map["imports"] as? [String: String])?["app-lib"] == mine, "the input map wins")
            let integrity = try #require(map["integrity"] as? [String: String])
            let sri = { (text: String) in "sha384-" + Data(SHA384.hash(data: Array(text.utf8))).base64EncodedString() }
            #expect(integrity[Self.url("shared@1.1.0", "esm/index.js")] == sri(Self.packages["shared"]!["1.1.0"]!["esm/index.js"]!))
            #expect(integrity[mine] == sri(Self.packages["other"]!["2.0.0"]!["lib/main.js"]!))
            let unreadable = try await Self.post(cdn, ["install": ["app-lib"], "inputMap": ["imports": ["x": "https://example.com/x.js"]], "integrity": true])
            #expect(unreadable.status == 400)
            #expect((unreadable.json?["error"] as? String)?.hasPrefix("integrity: cannot read the input map's https://example.com/x.js") == true, "\(unreadable.text)")

            let onlyMap = try await generate(cdn, "install=dyn&output=importmap")
            #expect(onlyMap.header("content-type") == "application/importmap+json")
            #expect((onlyMap.json?["imports"] as? [String: String])?["dyn"] == Self.url("dyn@1.0.0", "index.js"))
        }
    }

    /// JSPM's `cache: "offline"` (GeneratorOptions.cache in jspm/jspm generator 2.16.3: "will only use the local cache and not touch the network at all")
    /// for one request, on a server that is online: no upstream request, and what is not stored fails.
    @Test func oneRequestOfflineWithCacheOffline() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let cold = try await generate(cdn, "install=dyn&cache=offline")
            // Offline, a range resolves only among stored versions, as with `offline = true`: none here.
            #expect(cold.status == 404, "\(cold.text)")
            #expect((cold.json?["error"] as? String)?.hasPrefix("Unable to resolve npm:dyn") == true, "\(cold.text)")
            #expect(cdn.origin.count("/dyn") == 0, "nothing was asked upstream")
            let online = try await generate(cdn, "install=dyn")
            #expect(online.status == 200)
            let asked = (cdn.origin.count("/dyn"), cdn.origin.count("/npm:dyn@1.0.0/index.js"))
            let offline = try await Self.post(cdn, ["install": ["dyn"], "cache": "offline"])
            #expect(offline.status == 200, "\(offline.text)")
            #expect((offline.json?["map"] as? NSDictionary) == (online.json?["map"] as? NSDictionary))
            #expect(cdn.origin.count("/dyn") == asked.0 && cdn.origin.count("/npm:dyn@1.0.0/index.js") == asked.1)
        }
    }

    @Test func offlineGenerationAfterAWarmRunAndTheLocalProvider() async throws {
        var cdn = try await CDNFixture(routes: Self.routes)
        do {
            let warm = try await generate(cdn, "install=app-lib,other")
            #expect(warm.status == 200)
            try await cdn.restart { $0.offline = true }
            await cdn.originServer.stop()
            let offline = try await generate(cdn, "install=app-lib,other")
            #expect(offline.status == 200, "\(offline.text)")
            #expect((offline.json?["map"] as? NSDictionary) == (warm.json?["map"] as? NSDictionary))
            let local = try await generate(cdn, "install=app-lib&provider=local")
            let imports = (local.json?["map"] as? [String: Any])?["imports"] as? [String: String]
            #expect(imports?["app-lib"] == "http://wharf.test/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js")
            #expect(try await generate(cdn, "install=conflict").status == 404, "never a version Wharf cannot serve")
        } catch {
            await cdn.stop()
            throw error
        }
        await cdn.stop()
    }

    /// `exclude: unused` keeps what any export condition or legacy field reaches through relative imports.
    @Test func unusedFilesAreLeftOutOfListings() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let listing = try await cdn.get("/download/app-lib@1.0.0?exclude=unused")
            #expect(listing.status == 200, "\(listing.text)")
            let files = (listing.json?["app-lib@1.0.0"] as? [String: Any])?["files"] as? [String]
            #expect(files == ["browser.js", "index.js", "package.json", "src/feature/a.js", "src/feature/helper.js"])
            let legacy = try await cdn.get("/download/other@2.0.0?exclude=unused")
            #expect((legacy.json?["other@2.0.0"] as? [String: Any])?["files"] as? [String] == ["lib/main.js", "package.json"])
        }
    }

    @Test func resolutionsIgnoreAndGraph() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let pinned = try #require(try await generate(cdn, #"install=app-lib&resolutions={"shared":"1.0.0"}"#.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!).json?["map"] as? [String: Any])
            #expect((pinned["scopes"] as? [String: [String: String]])?["https://ga.jspm.io/"]?["shared"] == Self.url("shared@1.0.0", "esm/index.js"))

            let ignored = try #require(try await generate(cdn, "install=app-lib&ignore=dyn").json)
            #expect((ignored["dynamicDeps"] as? [String])?.isEmpty == true)
            #expect(((ignored["map"] as? [String: Any])?["scopes"] as? [String: [String: String]])?["https://ga.jspm.io/"]?["dyn"] == nil)

            let graph = try #require(try await generate(cdn, "install=app-lib&graph=true").json?["graph"] as? [String: [String: [String: [String]]]])
            let app = try #require(graph["https://ga.jspm.io/npm:app-lib@1.0.0/"]?["browser.js"])
            #expect(app["staticDeps"] == [Self.url("shared@1.1.0", "esm/index.js")])
            #expect(app["dynamicDeps"] == [Self.url("dyn@1.0.0", "index.js")])
        }
    }

    /// Built-ins map as JSPM Generator maps them: `node:NAME` for node and deno, else `@jspm/core`'s
    /// `./nodelibs/NAME` (its highest version, prereleases too); a dependency of that name wins.
    @Test func nodeBuiltinsMapToNodeOrToJSPMCore() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let node = try await generate(cdn, "install=uses-builtins&env=production,node,module")
            #expect(node.status == 200, "\(node.text)")
            let nodeScope = ((node.json?["map"] as? [String: Any])?["scopes"] as? [String: [String: String]])?["https://ga.jspm.io/"]
            #expect(nodeScope == ["crypto": "node:crypto", "node:fs/promises": "node:fs/promises", "events": Self.url("events@3.3.0", "events.js")])
            #expect(node.json?["staticDeps"] as? [String] == [Self.url("uses-builtins@1.0.0", "index.js"), Self.url("events@3.3.0", "events.js")])
            let deno = try await generate(cdn, "install=uses-builtins&env=deno,module")
            #expect((((deno.json?["map"] as? [String: Any])?["scopes"] as? [String: [String: String]])?["https://ga.jspm.io/"])?["crypto"] == "node:crypto")

            for provider in ["jspm.io", "unpkg"] {
                let browser = try await generate(cdn, "install=uses-builtins&env=browser,production,module&provider=\(provider)")
                #expect(browser.status == 200, "\(browser.text)")
                let root = provider == "unpkg" ? "https://unpkg.com/" : "https://ga.jspm.io/"
                let core = provider == "unpkg" ? "https://unpkg.com/@jspm/core@2.1.0-beta.1/" : "https://ga.jspm.io/npm:@jspm/core@2.1.0-beta.1/"
                let scope = ((browser.json?["map"] as? [String: Any])?["scopes"] as? [String: [String: String]])?[root]
                #expect(scope?["crypto"] == core + "nodelibs/browser/crypto.js")
                #expect(scope?["node:fs/promises"] == core + "nodelibs/browser/fs.js", "a subpathed built-in uses its first segment")
                #expect(scope?["events"] == root + (provider == "unpkg" ? "events@3.3.0/events.js" : "npm:events@3.3.0/events.js"))
                #expect((browser.json?["staticDeps"] as? [String])?.contains(core + "nodelibs/browser/chunk-hex.js") == true, "the polyfills are traced")
            }
        }
    }

    /// `/generate` work is bounded: at most `max_installs` per request, and it stops when its
    /// client goes away (the module after the slow one is never fetched).
    @Test func installsAreBoundedAndWorkStopsWithTheClient() async throws {
        var routes = Self.routes
        routes["/slow-chain"] = TestOrigin.file(Array(#"{"name":"slow-chain","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{}}}"#.utf8), contentType: "application/json")
        routes["/npm:slow-chain@1.0.0/package.json"] = TestOrigin.file(Array(#"{"name":"slow-chain","version":"1.0.0","exports":"./index.js"}"#.utf8), contentType: "application/json")
        routes["/npm:slow-chain@1.0.0/index.js"] = { _, _ in
            try await Task.sleep(for: .seconds(1))
            return Response(status: .ok, headers: [.contentType: "text/javascript"], body: ResponseBody(byteBuffer: ByteBuffer(string: "import './next.js';\n")))
        }
        routes["/npm:slow-chain@1.0.0/next.js"] = TestOrigin.file(Array("export default 1;\n".utf8))
        try await CDNFixture.with(routes: routes, configure: { $0.maxInstalls = 3 }) { cdn in
            let many = try await generate(cdn, "install=dyn,shared,pre,other")
            #expect(many.status == 400)
            #expect((many.json?["error"] as? String)?.contains("at most 3") == true, "\(many.text)")
            #expect(try await generate(cdn, "install=dyn,shared,pre").status == 200)

            let port = try #require(URL(string: cdn.wharf.baseURL)?.port)
            do {
                let connection = try RawConnection(port: port)
                try connection.send(Array("GET /generate?install=slow-chain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
                try await Task.sleep(for: .milliseconds(300))
            }  // closed here, before the slow module arrives
            try await Task.sleep(for: .seconds(2))
            #expect(cdn.origin.count("/npm:slow-chain@1.0.0/index.js") == 1)
            #expect(cdn.origin.count("/npm:slow-chain@1.0.0/next.js") == 0, "the generation stopped with its client")
            #expect(try await generate(cdn, "install=slow-chain").status == 200, "and the next one runs")
            #expect(cdn.origin.count("/npm:slow-chain@1.0.0/next.js") == 1)
        }
    }

    /// What importmap-rails' `Importmap::Packager#import` sends (`bin/importmap pin`), and what it
    /// reads back: `map.imports` (and `map.integrity`), 404 for a package that does not exist.
    @Test func importmapRailsRequestsGetTheImportsTheyRead() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            func pin(_ packages: [String], provider: String, integrity: Bool) async throws -> TestResponse {
                let body: [String: Any] = [
                    "install": packages, "flattenScope": true, "env": ["browser", "module", "production"],
                    "provider": provider, "integrity": integrity,
                ]
                return try await Self.post(cdn, body)
            }
            let jspm = try await pin(["app-lib", "other"], provider: "jspm.io", integrity: false)
            #expect(jspm.status == 200, "\(jspm.text)")
            let imports = ((jspm.json?["map"] as? [String: Any])?["imports"] as? [String: String]) ?? [:]
            #expect(imports == [
                "app-lib": Self.url("app-lib@1.0.0", "browser.js"), "other": Self.url("other@2.0.0", "lib/main.js"),
                "shared": Self.url("shared@1.1.0", "esm/index.js"), "dyn": Self.url("dyn@1.0.0", "index.js"),
            ], "flattened: every module the pins need is a top-level import")
            let unpkg = try await pin(["dyn"], provider: "unpkg", integrity: true)
            let map = try #require(unpkg.json?["map"] as? [String: Any])
            #expect((map["imports"] as? [String: String])?["dyn"] == "https://unpkg.com/dyn@1.0.0/index.js")
            #expect((map["integrity"] as? [String: String])?["https://unpkg.com/dyn@1.0.0/index.js"]?.hasPrefix("sha384-") == true)
            #expect(try await pin(["no-such-package"], provider: "jspm.io", integrity: false).status == 404, "importmap-rails reads 404 as: no such package")
        }
    }

    @Test func peerDependenciesOtherProvidersAndMissingModules() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let peer = try #require(try await generate(cdn, "install=peer-user").json?["map"] as? [String: Any])
            #expect((peer["scopes"] as? [String: [String: String]])?["https://ga.jspm.io/"]?["shared"] == Self.url("shared@2.0.0", "esm/index.js"))

            let unpkg = try #require(try await generate(cdn, "install=app-lib&provider=unpkg").json?["map"] as? [String: Any])
            #expect((unpkg["imports"] as? [String: String])?["app-lib"] == "https://unpkg.com/app-lib@1.0.0/browser.js")
            #expect((unpkg["scopes"] as? [String: [String: String]])?["https://unpkg.com/"]?["shared"] == "https://unpkg.com/shared@1.1.0/esm/index.js")

            let missing = try await generate(cdn, "install=broken-mod")
            #expect(missing.status == 404)
            #expect((missing.json?["error"] as? String)?.contains("https://ga.jspm.io/npm:broken-mod@1.0.0/missing.js") == true, "\(missing.text)")
        }
    }
}
