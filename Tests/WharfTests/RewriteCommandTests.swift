import Foundation
import Hummingbird
import Logging
import Testing
import WharfTestSupport

/// `wharf rewrite` as users run it: on the local store with `--export`, and through a server.
@Suite struct RewriteCommandTests {
    static let map = #"{"imports":{"fixture":"https://ga.jspm.io/npm:fixture@1.0.0/index.js","dep":"https://cdn.jsdelivr.net/npm/dep@2.0.0/lib/util.js","other":"https://example.com/x.js"}}"#

    /// A proxy.conf in `dir` whose store is in `dir` and whose `hosts` are all served by the origin
    /// at `originPort`; `top` adds top-level keys. Returns its path.
    static func configuration(
        originPort: Int, in dir: TemporaryDirectory, hosts: [String] = ["ga.jspm.io", "api.jspm.io", "cdn.jsdelivr.net", "unpkg.com"], top: String = ""
    ) throws -> String {
        let file = dir.path + "/proxy.conf"
        var text = "data_dir = \"\(dir.path)/store\"\n\(top)[upstreams]\n"
        for host in hosts {
            text += "\"\(host)\" = \"http://127.0.0.1:\(originPort)\"\n"
        }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// A static file server over `directory`, standing in for any web host of an exported folder.
    static func staticServer(_ directory: String) async throws -> RunningServer {
        try await RunningServer.start { ready in
            let router = Router()
            router.middlewares.add(FileMiddleware(directory, searchForIndexHtml: false))
            var logger = Logger(label: "static")
            logger.logLevel = .critical
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { await ready($0.localAddress?.port ?? 0) }, logger: logger)
            try await app.runService(gracefulShutdownSignals: [])
        }
    }

    @Test func anExportedFolderIsServedByAPlainStaticServer() async throws {
        let origin = TestOrigin(routes: PackageOrigin.routes)
        let originServer = try await origin.start()
        let dir = TemporaryDirectory("rewrite")
        let config = try Self.configuration(originPort: originServer.port, in: dir)
        let exportDir = dir.path + "/site"
        try FileManager.default.createDirectory(atPath: exportDir, withIntermediateDirectories: true)
        let site = try await Self.staticServer(exportDir)
        let mapFile = dir.path + "/map.json"
        try Self.map.write(toFile: mapFile, atomically: true, encoding: .utf8)

        let run = try await WharfProcess.run(["rewrite", mapFile, "--config", config, "--export", exportDir, "--base", site.baseURL, "-o", dir.path + "/out.json"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("rewrote 2 packages"), "\(run.output)")
        await originServer.stop()

        let exported = try #require(FileManager.default.contents(atPath: exportDir + "/importmap.json"))
        let imports = try #require((try JSONSerialization.jsonObject(with: exported) as? [String: Any])?["imports"] as? [String: String])
        #expect(imports["fixture"] == "\(site.baseURL)/ga.jspm.io/npm:fixture@1.0.0/index.js")
        #expect(imports["other"] == "https://example.com/x.js")
        let written = try #require(FileManager.default.contents(atPath: dir.path + "/out.json"))
        #expect(try JSONSerialization.jsonObject(with: written) as? NSDictionary == JSONSerialization.jsonObject(with: exported) as? NSDictionary)

        let client = HTTPTestClient()
        for (name, package, file) in [("fixture", "fixture@1.0.0", "index.js"), ("dep", "dep@2.0.0", "lib/util.js")] {
            let response = try await client.get(try #require(imports[name]))
            #expect(response.status == 200, "\(name)")
            #expect(response.body == PackageOrigin.content(package, file), "\(name)")
        }
        let sibling = try await client.get("\(site.baseURL)/cdn.jsdelivr.net/npm/dep@2.0.0/README.md")
        #expect(sibling.body == PackageOrigin.content("dep@2.0.0", "README.md"), "the whole package is exported")
        await client.shutdown()
        await site.stop()
    }

    @Test func rewritingThroughARunningServer() async throws {
        let origin = TestOrigin(routes: PackageOrigin.routes)
        let originServer = try await origin.start()
        let dir = TemporaryDirectory("rewrite")
        let config = try Self.configuration(originPort: originServer.port, in: dir)
        let (wharf, port) = try await WharfProcess.serve(["--config", config, "--public-url", "http://wharf.example"])
        let mapFile = dir.path + "/map.json"
        try Self.map.write(toFile: mapFile, atomically: true, encoding: .utf8)
        let run = try await WharfProcess.run(["rewrite", mapFile, "--server", "http://127.0.0.1:\(port)", "-o", dir.path + "/out.json"])
        #expect(run.status == 0, "\(run.output)")
        let written = try #require(FileManager.default.contents(atPath: dir.path + "/out.json"))
        let imports = (try JSONSerialization.jsonObject(with: written) as? [String: Any])?["imports"] as? [String: String]
        #expect(imports?["dep"] == "http://wharf.example/cdn/cdn.jsdelivr.net/npm/dep@2.0.0/lib/util.js")

        let broken = dir.path + "/broken.json"
        try #"{"imports":{"b":"https://ga.jspm.io/npm:broken@1.0.0/index.js"}}"#.write(toFile: broken, atomically: true, encoding: .utf8)
        let failed = try await WharfProcess.run(["rewrite", broken, "--server", "http://127.0.0.1:\(port)"])
        #expect(failed.status != 0)
        #expect(failed.output.contains("502"), "\(failed.output)")
        await wharf.stop()
        await originServer.stop()
    }
}

@Suite struct GenerateCommandTests {
    @Test func generateOnTheLocalStoreOnlineThenOffline() async throws {
        let origin = TestOrigin(routes: NpmFixture.routes)
        let originServer = try await origin.start()
        let dir = TemporaryDirectory("generate")
        let file = try RewriteCommandTests.configuration(originPort: originServer.port, in: dir, hosts: ["ga.jspm.io", "api.jspm.io", "registry.npmjs.org"])

        let online = try await WharfProcess.run(["generate", "app-lib", "other", "--config", file, "-o", dir.path + "/map.json"])
        #expect(online.status == 0, "\(online.output)")
        await originServer.stop()
        let offline = try await WharfProcess.run(["generate", "app-lib", "other", "--config", file, "--offline", "-o", dir.path + "/offline.json"])
        #expect(offline.status == 0, "\(offline.output)")
        let first = try #require(FileManager.default.contents(atPath: dir.path + "/map.json"))
        let second = try #require(FileManager.default.contents(atPath: dir.path + "/offline.json"))
        #expect(first == second)
        let imports = (try JSONSerialization.jsonObject(with: first) as? [String: Any])?["imports"] as? [String: String]
        #expect(imports?["app-lib"] == "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js")

        let missing = try await WharfProcess.run(["generate", "conflict", "--config", file, "--offline"])
        #expect(missing.status != 0)
        #expect(missing.output.contains("Unable to resolve npm:conflict"), "\(missing.output)")
    }

    /// `wharf generate` reads the local disk, so `file:` URLs are its to use (`--map-url file:///…`);
    /// `--root-url` writes Wharf's `/cdn/` URLs root-relative; `--combine-subpaths` folds kit's subpaths;
/// `--combine-subpaths-in none --expand-wildcards` keeps each file's mapping.
    /// Expected: GeneratorOptions.mapUrl/rootUrl (jspm/jspm generator 2.16.3, as 2.5.1) and import-map's combineSubpaths.
    @Test func outputURLFlagsAndCombineSubpaths() async throws {
        let originServer = try await TestOrigin(routes: NpmFixture.routes).start()
        let dir = TemporaryDirectory("generate-urls")
        let file = try RewriteCommandTests.configuration(
            originPort: originServer.port, in: dir, hosts: ["ga.jspm.io", "api.jspm.io", "registry.npmjs.org"], top: "public_url = \"http://wharf.test\"\n")
        let map = { (name: String, arguments: [String]) async throws -> [String: Any]? in
            let run = try await WharfProcess.run(["generate", "--config", file, "-o", dir.path + "/\(name).json"] + arguments)
            #expect(run.status == 0, "\(run.output)")
            let written = FileManager.default.contents(atPath: dir.path + "/\(name).json") ?? Data()
            return try JSONSerialization.jsonObject(with: written) as? [String: Any]
        }
        let onDisk = try await map("on-disk", ["app-lib", "--provider", "local", "--map-url", "file:///site/sub/importmap.json"])
        #expect(onDisk?["imports"] as? [String: String] == ["app-lib": "http://wharf.test/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js"], "another origin than the map's")
        let rooted = try await map("rooted", ["app-lib", "--provider", "local", "--root-url", "http://wharf.test/", "--base-url", "http://wharf.test/site/"])
        #expect(rooted?["imports"] as? [String: String] == ["app-lib": "/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js"])
        let combined = try await map("combined", ["uses-kit", "--combine-subpaths"])
        #expect(combined?["scopes"] as? [String: [String: String]] == ["https://ga.jspm.io/": [
            "kit": "https://ga.jspm.io/npm:kit@1.0.0/index.js", "kit/": "https://ga.jspm.io/npm:kit@1.0.0/",
        ]])
        // 2.16.3's `combineSubpaths: 'none'` and `expandWildcards: true`: every file keeps its mapping.
        let separate = try await map("separate", ["uses-kit", "uses-wild", "--combine-subpaths-in", "none", "--expand-wildcards"])
        #expect(separate?["scopes"] as? [String: [String: String]] == ["https://ga.jspm.io/": [
            "kit": "https://ga.jspm.io/npm:kit@1.0.0/index.js", "kit/a.js": "https://ga.jspm.io/npm:kit@1.0.0/a.js",
            "kit/b.js": "https://ga.jspm.io/npm:kit@1.0.0/b.js", "wild/modules/a.js": "https://ga.jspm.io/npm:wild@1.0.0/modules/a.js",
            "wild/modules/b.js": "https://ga.jspm.io/npm:wild@1.0.0/modules/b.js",
        ]])
        await originServer.stop()
    }

    /// `--providers`, `--provider-config` and `--default-registry` are read as the fields of a
    /// request: shared on unpkg (test/providers/scopeprovider.test.js's `providers`), jspm.io at the
    /// mirror root of GeneratorOptions.providerConfig's example; `deno` is refused by name.
    @Test func generateWithProviderOptions() async throws {
        let origin = TestOrigin(routes: NpmFixture.routes)
        let originServer = try await origin.start()
        let dir = TemporaryDirectory("generate-providers")
        let file = try RewriteCommandTests.configuration(
            originPort: originServer.port, in: dir, hosts: ["jspm-mirror.test", "unpkg.com", "api.jspm.io", "registry.npmjs.org"])

        let run = try await WharfProcess.run([
            "generate", "app-lib", "--config", file, "--providers", #"{"shared":"unpkg"}"#,
            "--provider-config", #"{"jspm.io":{"cdnUrl":"https://jspm-mirror.test/"}}"#, "--default-registry", "npm", "-o", dir.path + "/map.json",
        ])
        #expect(run.status == 0, "\(run.output)")
        let map = try JSONSerialization.jsonObject(with: try #require(FileManager.default.contents(atPath: dir.path + "/map.json"))) as? NSDictionary
        #expect(map == [
            "imports": ["app-lib": "https://jspm-mirror.test/npm:app-lib@1.0.0/browser.js"],
            "scopes": ["https://jspm-mirror.test/": ["dyn": "https://jspm-mirror.test/npm:dyn@1.0.0/index.js", "shared": "https://unpkg.com/shared@1.1.0/esm/index.js"]],
        ] as NSDictionary)

        let deno = try await WharfProcess.run(["generate", "app-lib", "--config", file, "--default-registry", "deno"])
        #expect(deno.status != 0)
        #expect(deno.output.contains("unsupported option defaultRegistry: deno"), "\(deno.output)")
        await originServer.stop()
    }
}
