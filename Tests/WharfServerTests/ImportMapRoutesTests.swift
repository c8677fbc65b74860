import Crypto
import Foundation
import Hummingbird
import Testing
import WharfTestSupport

/// `/download`, `/rewrite` and `/build` against a local origin that plays api.jspm.io and the CDNs.
@Suite struct ImportMapRoutesTests {
    static let files = PackageOrigin.files
    static func content(_ package: String, _ file: String) -> [UInt8] { PackageOrigin.content(package, file) }
    static var routes: [String: TestOrigin.Handler] { PackageOrigin.routes }

    static func json(_ response: TestResponse) -> [String: Any]? { response.json }

    @Test func listingsForEachProvider() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            for (provider, root) in [
                ("jspm.io", "https://ga.jspm.io/npm:fixture@1.0.0/"), ("unpkg", "https://unpkg.com/fixture@1.0.0/"),
                ("jsdelivr", "https://cdn.jsdelivr.net/npm/fixture@1.0.0/"),
            ] {
                let response = try await cdn.get("/download/fixture@1.0.0?provider=\(provider)")
                #expect(response.status == 200, "\(provider): \(response.text)")
                let entry = try #require(response.json?["fixture@1.0.0"] as? [String: Any])
                #expect(entry["pkgUrl"] as? String == root)
                #expect(entry["files"] as? [String] == Self.files)
            }
            let both = try await cdn.get("/download/fixture@1.0.0,dep@2.0.0")
            #expect(both.json?.keys.sorted() == ["dep@2.0.0", "fixture@1.0.0"])
            #expect(both.text.hasPrefix(#"{"fixture@1.0.0":"#), "packages stay in the order asked")
            // An exact version's listing is kept: asking again does not reach api.jspm.io.
            _ = try await cdn.get("/download/fixture@1.0.0?provider=unpkg")
            #expect(cdn.origin.count("/download/fixture@1.0.0") == 3, "one per provider")
        }
    }

    @Test func postedListingsHonourExclude() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let body = Array(#"{"packages":["fixture@1.0.0"],"provider":"jsdelivr","exclude":["types","sourcemaps","readme","license"]}"#.utf8)
            let response = try await cdn.client.request(cdn.wharf.baseURL + "/download", method: .POST, headers: [("Content-Type", "application/json")], body: body)
            #expect(response.status == 200)
            let entry = try #require(response.json?["fixture@1.0.0"] as? [String: Any])
            #expect(entry["files"] as? [String] == ["index.js", "lib/util.js"])
            #expect(entry["pkgUrl"] as? String == "https://cdn.jsdelivr.net/npm/fixture@1.0.0/")
        }
    }

    @Test func badListingRequestsAreClientErrors() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            for (path, status) in [
                ("/download/fixture@1.0", 400), ("/download/fixture@%5E1.0.0", 400), ("/download/fixture", 400),
                ("/download/fixture@1.0.0?provider=skypack", 400), ("/download/fixture@1.0.0?exclude=everything", 400),
                ("/download/missing@1.0.0", 404), ("/download/fixture@1.0.0?provider=esm.sh", 400), ("/download/fixture@1.0.0?exclude=unused", 502),
            ] {
                let response = try await cdn.get(path)
                #expect(response.status == status, "\(path): \(response.text)")
                #expect(response.json?["error"] is String, "\(path)")
            }
            let scoped = try await cdn.get("/download/@scope/missing@1.0.0")
            #expect(scoped.status == 404)
            #expect((scoped.json?["error"] as? String)?.contains("@scope/missing@1.0.0") == true, "scoped names reach the listing: \(scoped.text)")
            #expect(try await cdn.get("/build/@scope/missing@1.0.0").status == 404)
            let post = try await cdn.client.request(cdn.wharf.baseURL + "/download", method: .POST, body: Array("{".utf8))
            #expect(post.status == 400)
        }
    }

    @Test func offlineListingsComeFromTheStore() async throws {
        var cdn = try await CDNFixture(routes: Self.routes)
        do {
            _ = try await cdn.get("/download/fixture@1.0.0")
            try await cdn.restart { $0.offline = true }
            let cached = try await cdn.get("/download/fixture@1.0.0")
            #expect(cached.status == 200)
            let missing = try await cdn.get("/download/dep@2.0.0")
            #expect(missing.status == 504)
            #expect((missing.json?["error"] as? String)?.contains("dep@2.0.0") == true)
        } catch {
            await cdn.stop()
            throw error
        }
        await cdn.stop()
    }

    static let map = """
    {
      "imports": {
        "fixture": "https://ga.jspm.io/npm:fixture@1.0.0/index.js",
        "fixture/util": "https://ga.jspm.io/npm:fixture@1.0.0/lib/util.js",
        "dep": "https://unpkg.com/dep@2.0.0/index.js",
        "elsewhere": "https://example.com/x.js"
      },
      "scopes": {
        "https://ga.jspm.io/npm:fixture@1.0.0/": {
          "dep": "https://cdn.jsdelivr.net/npm/dep@2.0.0/lib/util.js"
        }
      },
      "integrity": {
        "https://ga.jspm.io/npm:fixture@1.0.0/index.js": "INTEGRITY"
      }
    }
    """

    static func sri384(_ bytes: [UInt8]) -> String {
        "sha384-" + Data(SHA384.hash(data: bytes)).base64EncodedString()
    }

    static var mapWithIntegrity: String {
        map.replacingOccurrences(of: "INTEGRITY", with: sri384(content("fixture@1.0.0", "index.js")))
    }

    @Test func aRewrittenMapWorksWithTheOriginGone() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let body = Array(#"{"map": \#(Self.mapWithIntegrity)}"#.utf8)
            let response = try await cdn.client.request(cdn.wharf.baseURL + "/rewrite", method: .POST, body: body)
            #expect(response.status == 200, "\(response.text)")
            let text = response.text
            // Keys keep their order; every CDN URL now points at Wharf; the foreign one is untouched.
            let order = ["\"fixture\"", "\"fixture/util\"", "\"dep\"", "\"elsewhere\""].compactMap { text.range(of: $0)?.lowerBound }
            #expect(order.count == 4 && order == order.sorted())
            let result = try #require(response.json)
            let map = try #require(result["map"] as? [String: Any])
            let imports = try #require(map["imports"] as? [String: String])
            #expect(imports["fixture"] == "http://wharf.test/cdn/ga.jspm.io/npm:fixture@1.0.0/index.js")
            #expect(imports["dep"] == "http://wharf.test/cdn/unpkg.com/dep@2.0.0/index.js")
            #expect(imports["elsewhere"] == "https://example.com/x.js")
            let scopes = try #require(map["scopes"] as? [String: [String: String]])
            #expect(scopes["http://wharf.test/cdn/ga.jspm.io/npm:fixture@1.0.0/"]?["dep"] == "http://wharf.test/cdn/cdn.jsdelivr.net/npm/dep@2.0.0/lib/util.js")
            let integrity = try #require(map["integrity"] as? [String: String])
            #expect(integrity.keys.sorted() == ["http://wharf.test/cdn/ga.jspm.io/npm:fixture@1.0.0/index.js"])
            #expect(result["untouched"] as? [String] == ["https://example.com/x.js"])
            let packages = try #require(result["packages"] as? [[String: Any]])
            #expect(packages.count == 3, "fixture on ga.jspm.io, dep on unpkg and on jsdelivr")
            #expect(packages.allSatisfy { $0["files"] as? Int == Self.files.count && $0["source"] as? String == "upstream" })

            // With the origin stopped, every URL of the rewritten map is served, byte for byte.
            await cdn.originServer.stop()
            var urls = Array(imports.values) + scopes.keys.flatMap { scope in scopes[scope]!.values }
            urls.removeAll { !$0.hasPrefix("http://wharf.test") }
            for url in urls {
                let path = String(url.dropFirst("http://wharf.test".count))
                let served = try await cdn.get(path)
                #expect(served.status == 200, "\(url)")
                let package = path.contains("fixture") ? "fixture@1.0.0" : "dep@2.0.0"
                let file = String(path[path.range(of: package + "/")!.upperBound...])
                #expect(served.body == Self.content(package, file), "\(url)")
            }
            let index = try await cdn.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/index.js")
            #expect(Self.sri384(index.body) == integrity.values.first)
            for file in Self.files {
                #expect(try await cdn.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/\(file)").status == 200, "whole package stored: \(file)")
            }

            // The same map again: everything comes from the cache.
            let again = try await cdn.client.request(cdn.wharf.baseURL + "/rewrite", method: .POST, body: body)
            let sources = (again.json?["packages"] as? [[String: Any]])?.compactMap { $0["source"] as? String }
            #expect(sources == ["cache", "cache", "cache"])
            let local = try await cdn.get("/download/fixture@1.0.0?provider=local")
            let entry = try #require(local.json?["fixture@1.0.0"] as? [String: Any])
            #expect(entry["pkgUrl"] as? String == "http://wharf.test/cdn/ga.jspm.io/npm:fixture@1.0.0/")
            #expect(entry["files"] as? [String] == Self.files)
        }
    }

    /// JSPM puts dependencies under the CDN origin's scope: every URL-like key on a known CDN (an
    /// origin, the `npm:` prefix, a package base, a prefix import) moves with its modules.
    @Test func scopeAndPrefixKeysOnACDNMoveWithTheirModules() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let map = #"""
            {"imports":{"fixture/":"https://ga.jspm.io/npm:fixture@1.0.0/","https://unpkg.com/dep@2.0.0/index.js":"https://unpkg.com/dep@2.0.0/lib/util.js"},
             "scopes":{"https://ga.jspm.io/":{"dep":"https://unpkg.com/dep@2.0.0/index.js"},
                       "https://ga.jspm.io/npm:":{"x":"https://example.com/x.js"},
                       "https://ga.jspm.io/npm:fixture@1.0.0/":{"dep":"https://cdn.jsdelivr.net/npm/dep@2.0.0/index.js"},
                       "https://example.com/":{"dep":"https://unpkg.com/dep@2.0.0/index.js"}}}
            """#
            let response = try await cdn.client.request(cdn.wharf.baseURL + "/rewrite", method: .POST, body: Array(#"{"map":\#(map)}"#.utf8))
            #expect(response.status == 200, "\(response.text)")
            let rewritten = try #require(response.json?["map"] as? [String: Any])
            #expect(rewritten["imports"] as? [String: String] == [
                "fixture/": "http://wharf.test/cdn/ga.jspm.io/npm:fixture@1.0.0/",
                "http://wharf.test/cdn/unpkg.com/dep@2.0.0/index.js": "http://wharf.test/cdn/unpkg.com/dep@2.0.0/lib/util.js",
            ])
            let scopes = try #require(rewritten["scopes"] as? [String: [String: String]])
            #expect(scopes.keys.sorted() == [
                "http://wharf.test/cdn/ga.jspm.io/", "http://wharf.test/cdn/ga.jspm.io/npm:",
                "http://wharf.test/cdn/ga.jspm.io/npm:fixture@1.0.0/", "https://example.com/",
            ])
            #expect(scopes["http://wharf.test/cdn/ga.jspm.io/"]?["dep"] == "http://wharf.test/cdn/unpkg.com/dep@2.0.0/index.js")
            #expect(response.json?["untouched"] as? [String] == ["https://example.com/x.js", "https://example.com/"])
        }
    }

    @Test func aPackageThatCannotBeFetchedFailsTheRewriteUnlessPartialIsAllowed() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let map = #"{"imports":{"ok":"https://ga.jspm.io/npm:fixture@1.0.0/index.js","bad":"https://ga.jspm.io/npm:broken@1.0.0/index.js"}}"#
            let strict = try await cdn.client.request(cdn.wharf.baseURL + "/rewrite", method: .POST, body: Array(#"{"map":\#(map)}"#.utf8))
            #expect(strict.status == 502)
            #expect(strict.json?["map"] == nil)
            #expect((strict.json?["errors"] as? [String])?.first?.contains("broken@1.0.0") == true)
            let partial = try await cdn.client.request(cdn.wharf.baseURL + "/rewrite", method: .POST, body: Array(#"{"map":\#(map),"allowPartial":true}"#.utf8))
            #expect(partial.status == 200)
            #expect((partial.json?["errors"] as? [String])?.count == 1)
            #expect(((partial.json?["map"] as? [String: Any])?["imports"] as? [String: String])?["ok"] == "http://wharf.test/cdn/ga.jspm.io/npm:fixture@1.0.0/index.js")
            let bad = try await cdn.client.request(cdn.wharf.baseURL + "/rewrite", method: .POST, body: Array(#"{"imports":{}}"#.utf8))
            #expect(bad.status == 400)
        }
    }

    @Test func aBaseURLPlacesFilesForSelfHosting() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let body = Array(#"{"map":{"imports":{"dep":"https://unpkg.com/dep@2.0.0/index.js"}},"base":"https://static.example/assets/"}"#.utf8)
            let response = try await cdn.client.request(cdn.wharf.baseURL + "/rewrite", method: .POST, body: body)
            let imports = (response.json?["map"] as? [String: Any])?["imports"] as? [String: String]
            #expect(imports?["dep"] == "https://static.example/assets/unpkg.com/dep@2.0.0/index.js")
        }
    }

    @Test func buildRequestsPrefetchAndTheTokenPurges() async throws {
        try await CDNFixture.with(routes: Self.routes, configure: { $0.rebuildToken = "t0k" }) { cdn in
            let queued = try await cdn.get("/build/fixture@1.0.0")
            #expect(queued.status == 200)
            #expect(queued.json?["ok"] as? Bool == true)
            #expect(queued.json?["queued"] as? String == "fixture@1.0.0")
            var stored = 0
            for _ in 0..<200 where stored < Self.files.count {
                let local = try await cdn.get("/download/fixture@1.0.0?provider=local")
                stored = ((local.json?["fixture@1.0.0"] as? [String: Any])?["files"] as? [String])?.count ?? 0
                if stored < Self.files.count { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(stored == Self.files.count)
            #expect(cdn.origin.count("/build/fixture@1.0.0") == 1, "forwarded to api.jspm.io")

            #expect(try await cdn.get("/build/fixture@1.0.0?token=wrong").status == 401)
            let listingsBefore = cdn.origin.count("/download/fixture@1.0.0")
            #expect(try await cdn.get("/build/fixture@1.0.0?token=t0k").status == 200)
            #expect(cdn.origin.count("/download/fixture@1.0.0") == listingsBefore + 1, "the listing was purged and fetched again")

            #expect(try await cdn.get("/build/fixture").status == 400)
            #expect(try await cdn.get("/build/missing@1.0.0").status == 404)
        }
    }
}

@Suite struct EsmShRewriteTests {
    static let modules: [String: String] = [
        "/react@18.2.0": "/* esm.sh - react@18.2.0 */\nexport * from \"/v135/react@18.2.0/es2022/react.mjs\";\nexport { default } from \"/v135/react@18.2.0/es2022/react.mjs\";\n",
        "/v135/react@18.2.0/es2022/react.mjs": "import \"/v135/scheduler@0.23.0/es2022/scheduler.mjs\";\nconst lazy = () => import(\"./chunk.mjs\");\nconst dyn = (x) => import(x);\nexport default 1;\n",
        "/v135/react@18.2.0/es2022/chunk.mjs": "export const c = `import \"/in-a-template.js\"`;\n",
        "/v135/scheduler@0.23.0/es2022/scheduler.mjs": "export const s = 1; // import \"/in-a-comment.js\"\n",
    ]

    /// esm.sh has no listing: the module graph is traced from the mapped URL.
    @Test func esmShModulesAreTracedAndStored() async throws {
        var routes: [String: TestOrigin.Handler] = [:]
        for (path, text) in Self.modules { routes[path] = TestOrigin.file(Array(text.utf8)) }
        try await CDNFixture.with(routes: routes) { cdn in
            let body = Array(#"{"map":{"imports":{"react":"https://esm.sh/react@18.2.0"}}}"#.utf8)
            let response = try await cdn.client.request(cdn.wharf.baseURL + "/rewrite", method: .POST, body: body)
            #expect(response.status == 200, "\(response.text)")
            let imports = (response.json?["map"] as? [String: Any])?["imports"] as? [String: String]
            #expect(imports?["react"] == "http://wharf.test/cdn/esm.sh/react@18.2.0")
            let packages = try #require(response.json?["packages"] as? [[String: Any]])
            #expect(packages.first?["files"] as? Int == 4)
            await cdn.originServer.stop()
            // Served under /cdn/esm.sh/, root-relative specifiers become relative (so they stay
            // under it); everything else of each module, and modules without them, are as sent.
            let relinked = [
                "/react@18.2.0": "/* esm.sh - react@18.2.0 */\nexport * from \"./v135/react@18.2.0/es2022/react.mjs\";\nexport { default } from \"./v135/react@18.2.0/es2022/react.mjs\";\n",
                "/v135/react@18.2.0/es2022/react.mjs": "import \"../../scheduler@0.23.0/es2022/scheduler.mjs\";\nconst lazy = () => import(\"./chunk.mjs\");\nconst dyn = (x) => import(x);\nexport default 1;\n",
            ]
            for (path, text) in Self.modules {
                let served = try await cdn.get("/cdn/esm.sh" + path)
                #expect(served.text == relinked[path] ?? text, "\(path)")
                #expect(served.header("etag") == "\"" + SHA256.hash(data: served.body).map { String(format: "%02x", $0) }.joined() + "\"", "the ETag follows the served bytes")
            }
        }
    }

    /// The store keeps esm.sh's bytes: an integrity value of the CDN URL is checked against them,
    /// and the moved URL gets the hash of what Wharf serves.
    @Test func integrityOfARelinkedModuleFollowsTheServedBytes() async throws {
        var routes: [String: TestOrigin.Handler] = [:]
        for (path, text) in Self.modules { routes[path] = TestOrigin.file(Array(text.utf8)) }
        try await CDNFixture.with(routes: routes) { cdn in
            let original = Array(Self.modules["/react@18.2.0"]!.utf8)
            let scheduler = Array(Self.modules["/v135/scheduler@0.23.0/es2022/scheduler.mjs"]!.utf8)
            let sri = { (bytes: [UInt8]) in "sha384-" + Data(SHA384.hash(data: bytes)).base64EncodedString() }
            let map: [String: Any] = ["map": [
                "imports": ["react": "https://esm.sh/react@18.2.0", "scheduler": "https://esm.sh/v135/scheduler@0.23.0/es2022/scheduler.mjs"],
                "integrity": ["https://esm.sh/react@18.2.0": sri(original), "https://esm.sh/v135/scheduler@0.23.0/es2022/scheduler.mjs": sri(scheduler)],
            ]]
            let response = try await cdn.client.request(cdn.wharf.baseURL + "/rewrite", method: .POST, body: Array(try JSONSerialization.data(withJSONObject: map)))
            #expect(response.status == 200, "\(response.text)")
            let integrity = try #require((response.json?["map"] as? [String: Any])?["integrity"] as? [String: String])
            let served = try await cdn.get("/cdn/esm.sh/react@18.2.0")
            #expect(served.body != original)
            #expect(integrity["http://wharf.test/cdn/esm.sh/react@18.2.0"] == sri(served.body))
            #expect(integrity["http://wharf.test/cdn/esm.sh/v135/scheduler@0.23.0/es2022/scheduler.mjs"] == sri(scheduler), "unchanged bytes keep their value")
        }
    }
}
