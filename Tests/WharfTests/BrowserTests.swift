import Foundation
import Hummingbird
import Logging
import Tarball
import Testing
import WharfTestSupport

/// A real browser loads a page whose import map Wharf generated with `provider=local`, with the
/// origin gone: the page's modules (static and dynamic imports) come from Wharf alone.
@Suite(.serialized) struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func aGeneratedLocalMapRunsInChromiumWithTheOriginStopped() async throws {
        let browser = try #require(Self.chromium, "chromium is needed (scripts/test installs it)")
        let origin = TestOrigin(routes: NpmFixture.routes)
        let originServer = try await origin.start()
        let dir = TemporaryDirectory("browser")
        let (wharf, port) = try await Self.serve(in: dir, upstreamsAt: originServer.port, for: ["ga.jspm.io", "api.jspm.io", "registry.npmjs.org"])
        let client = HTTPTestClient()
        let generated = try await client.get("http://127.0.0.1:\(port)/generate?install=app-lib&provider=local&output=importmap")
        #expect(generated.status == 200, "\(generated.text)")
        await originServer.stop()

        let page = """
        <!doctype html><html><head><meta charset="utf-8">
        <script type="importmap">\(generated.text)</script>
        <script type="module">
        import lib, { lazy } from "app-lib";
        const d = await lazy();
        document.body.setAttribute("data-result", lib + " / " + d.d);
        </script></head><body></body></html>
        """
        let dom = try await Self.render(page, browser: browser, in: dir)
        #expect(dom.contains(#"data-result="shared 1.1.0 / 1""#), "\(dom)")
        // A fresh profile had none of it: Wharf served every module (its access log says so).
        for path in ["npm:app-lib@1.0.0/browser.js", "npm:shared@1.1.0/esm/index.js", "npm:dyn@1.0.0/index.js"] {
            #expect(wharf.text.contains("GET /cdn/ga.jspm.io/\(path) 200"), "\(path) in the access log")
        }

        await wharf.stop()
        await client.shutdown()
    }

    /// A JSR package published to Wharf, mapped with `install=jsr:…`, runs in the browser: its own
    /// modules, a dynamic import, and a `jsr:` import of another package through the map's scope.
    @Test func aPublishedJSRPackageRunsInChromium() async throws {
        let browser = try #require(Self.chromium, "chromium is needed (scripts/test installs it)")
        let dir = TemporaryDirectory("browser-jsr")
        let port = try Self.freePort()
        try "[[auth.users]]\nname = \"dev\"\nkey = \"dev-key\"\n".write(toFile: dir.path + "/proxy.conf", atomically: true, encoding: .utf8)
        let (wharf, _) = try await WharfProcess.launchServe([
            "--config", dir.path + "/proxy.conf", "--data", dir.path + "/store",
            "--listen", "127.0.0.1:\(port)", "--public-url", "http://127.0.0.1:\(port)",
        ])
        let client = HTTPTestClient()
        let base = "http://127.0.0.1:\(port)"
        let login = MultipartBody([.init("key", "dev-key")])
        let token = try #require(try await client.request(base + "/auth/login", method: .POST, headers: [("Content-Type", login.contentType)], body: login.bytes).json?["token"] as? String)
        let auth = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
        _ = try await client.request(base + "/api/scopes", method: .POST, headers: auth, body: Array(#"{"scope":"web"}"#.utf8))
        let packages: [(String, [String: String])] = [
            ("base", ["jsr.json": #"{"name":"@web/base","exports":"./mod.js"}"#, "mod.js": "export const base = 'base 1.2.0';\n"]),
            ("app", [
                "jsr.json": #"{"name":"@web/app","exports":"./mod.js"}"#,
                "mod.js": "import { base } from 'jsr:@web/base@^1.0.0';\nimport { twice } from './lib/twice.js';\nexport const result = () => import('./lazy.js').then((m) => twice(base) + ' / ' + m.lazy);\n",
                "lib/twice.js": "export const twice = (s) => s + '+' + s;\n",
                "lazy.js": "export const lazy = 'lazy';\n",
            ]),
        ]
        for (name, files) in packages {
            _ = try await client.request(base + "/api/scopes/web/packages", method: .POST, headers: auth, body: Array(#"{"package":"\#(name)"}"#.utf8))
            var tar = TarWriter()
            for (path, contents) in files.sorted(by: { $0.key < $1.key }) { tar.addFile("./" + path, contents: contents) }
            let accepted = try await client.request(base + "/api/scopes/web/packages/\(name)/versions/1.2.0?config=/jsr.json", method: .POST,
                                                    headers: [auth[0], ("Content-Encoding", "gzip")], body: tar.archive(compression: .gzip))
            let id = try #require(accepted.json?["id"] as? String, "\(accepted.text)")
            var status = ""
            for _ in 0..<200 where status != "success" && status != "failure" {
                try await Task.sleep(for: .milliseconds(50))
                status = try await client.get(base + "/api/publish_status/\(id)").json?["status"] as? String ?? ""
            }
            #expect(status == "success")
        }
        let generated = try await client.get(base + "/generate?install=jsr:@web/app&output=importmap")
        #expect(generated.status == 200, "\(generated.text)")
        let page = """
        <!doctype html><html><head><meta charset="utf-8">
        <script type="importmap">\(generated.text)</script>
        <script type="module">
        import { result } from "@web/app";
        document.body.setAttribute("data-result", await result());
        </script></head><body></body></html>
        """
        let dom = try await Self.render(page, browser: browser, in: dir)
        #expect(dom.contains(#"data-result="base 1.2.0+base 1.2.0 / lazy""#), "\(dom)")
        await wharf.stop()
        await client.shutdown()
    }

    /// A map made with `providers` mixing two providers of different layouts runs in Chromium:
    /// app-lib and dyn from `local` (Wharf's `/cdn/` URLs of the ga.jspm.io layout), shared from
    /// unpkg (`https://unpkg.com/name@version/…`). The browser reaches "unpkg.com" at a local TLS
    /// origin (`--host-resolver-rules`) whose openssl-made certificate it trusts by its key's hash.
    @Test func aMapMixingTwoProvidersRunsInChromium() async throws {
        let browser = try #require(Self.chromium, "chromium is needed (scripts/test installs it)")
        let origin = TestOrigin(routes: NpmFixture.routes)
        let originServer = try await origin.start()
        let dir = TemporaryDirectory("browser-providers")
        // unpkg.com as the page meets it: https, answering with CORS, as CDNs do.
        let routes = NpmFixture.routes.mapValues { handler -> TestOrigin.Handler in
            { request, attempt in
                var response = try await handler(request, attempt)
                response.headers[.accessControlAllowOrigin] = "*"
                return response
            }
        }
        let certificate = try TestCertificate.make(for: "unpkg.com", in: dir.path)
        let unpkg = TestOrigin(routes: routes)
        let unpkgServer = try await unpkg.start(tls: certificate)
        let (wharf, port) = try await Self.serve(in: dir, upstreamsAt: originServer.port, for: ["ga.jspm.io", "api.jspm.io", "registry.npmjs.org", "unpkg.com"])
        let client = HTTPTestClient()
        let body: [String: Any] = ["install": ["app-lib"], "provider": "local", "providers": ["shared": "unpkg"], "output": "importmap"]
        let generated = try await client.request("http://127.0.0.1:\(port)/generate", method: .POST, headers: [("Content-Type", "application/json")],
                                                 body: Array(try JSONSerialization.data(withJSONObject: body)))
        #expect(generated.status == 200, "\(generated.text)")
        await originServer.stop()
        let wharfCDN = "http://127.0.0.1:\(port)/cdn/ga.jspm.io/"
        // The map of ProviderMapTests.providersByPackageName (test/providers/scopeprovider.test.js;
        // src/providers/unpkg.ts `pkgToUrl`: `https://unpkg.com/name@version/`), local's URLs relocated.
        let expected: NSDictionary = [
            "imports": ["app-lib": wharfCDN + "npm:app-lib@1.0.0/browser.js"],
            "scopes": [wharfCDN: ["dyn": wharfCDN + "npm:dyn@1.0.0/index.js", "shared": "https://unpkg.com/shared@1.1.0/esm/index.js"]],
        ]
        #expect((try? JSONSerialization.jsonObject(with: Data(generated.text.utf8))) as? NSDictionary == expected, "\(generated.text)")

        let page = Self.page(map: generated.text, script: """
        import lib, { lazy } from "app-lib";
        const d = await lazy();
        document.body.setAttribute("data-result", lib + " / " + d.d);
        """)
        let dom = try await Self.render(page, browser: browser, in: dir, arguments: [
            "--host-resolver-rules=MAP unpkg.com 127.0.0.1:\(unpkgServer.port)", "--ignore-certificate-errors-spki-list=\(certificate.spkiHash)",
        ])
        #expect(dom.contains(#"data-result="shared 1.1.0 / 1""#), "\(dom)")
        for path in ["npm:app-lib@1.0.0/browser.js", "npm:dyn@1.0.0/index.js"] {
            #expect(wharf.text.contains("GET /cdn/ga.jspm.io/\(path) 200"), "\(path) from Wharf (its access log)")
        }
        #expect(unpkg.count("/shared@1.1.0/esm/index.js") > 0, "shared from unpkg.com, by the browser")

        await wharf.stop()
        await unpkgServer.stop()
        await client.shutdown()
    }

    /// esm.sh's modules import root-relative paths (`/stable/…`), which only work under esm.sh's root.
    static let esmShModules: [String: String] = [
        "/tiny@1.0.0": "/* esm.sh - tiny@1.0.0 */\nexport * from \"/stable/tiny@1.0.0/es2022/tiny.mjs\";\nexport { default } from \"/stable/tiny@1.0.0/es2022/tiny.mjs\";\n",
        "/stable/tiny@1.0.0/es2022/tiny.mjs": "import { dep } from \"/v135/dep@2.0.0/es2022/dep.mjs\";\nconst tiny = \"tiny+\" + dep + \"+\" + (await import(\"/v135/dep@2.0.0/es2022/late.mjs\")).late;\nexport { tiny };\nexport default tiny;\n",
        "/v135/dep@2.0.0/es2022/dep.mjs": "export const dep = \"dep\";\n",
        "/v135/dep@2.0.0/es2022/late.mjs": "export const late = \"late\";\n",
    ]

    /// A map of JSPM's shape (dependencies only in the CDN origin's scope) plus an esm.sh module,
    /// rewritten by Wharf, runs in Chromium with the origin stopped: served by Wharf, and exported
    /// to a folder under `/vendor` that a plain static server hosts with Wharf stopped too.
    @Test func aRewrittenJSPMMapRunsFromWharfAndFromItsExport() async throws {
        let browser = try #require(Self.chromium, "chromium is needed (scripts/test installs it)")
        var routes = NpmFixture.routes
        for (path, text) in Self.esmShModules { routes[path] = TestOrigin.file(Array(text.utf8)) }
        let origin = TestOrigin(routes: routes)
        let originServer = try await origin.start()
        let dir = TemporaryDirectory("browser-rewrite")
        let jspmMap = """
        {"imports":{"app-lib":"https://ga.jspm.io/npm:app-lib@1.0.0/browser.js","tiny":"https://esm.sh/tiny@1.0.0"},
         "scopes":{"https://ga.jspm.io/":{"shared":"https://ga.jspm.io/npm:shared@1.1.0/esm/index.js","dyn":"https://ga.jspm.io/npm:dyn@1.0.0/index.js"}}}
        """
        try jspmMap.write(toFile: dir.path + "/importmap.json", atomically: true, encoding: .utf8)
        let (wharf, port) = try await Self.serve(in: dir, upstreamsAt: originServer.port, for: ["ga.jspm.io", "api.jspm.io", "registry.npmjs.org", "esm.sh"])
        let client = HTTPTestClient()
        let rewritten = try await client.request("http://127.0.0.1:\(port)/rewrite", method: .POST, body: Array("{\"map\":\(jspmMap)}".utf8))
        #expect(rewritten.status == 200, "\(rewritten.text)")
        let map = try #require(rewritten.json?["map"] as? [String: Any])
        #expect((map["scopes"] as? [String: Any])?.keys.sorted() == ["http://127.0.0.1:\(port)/cdn/ga.jspm.io/"], "the origin scope moved with its modules")
        #expect((rewritten.json?["untouched"] as? [String])?.isEmpty == true, "\(rewritten.text)")
        await originServer.stop()

        let script = """
        import lib, { lazy } from "app-lib";
        import tiny from "tiny";
        const d = await lazy();
        document.body.setAttribute("data-result", lib + " / " + d.d + " / " + tiny);
        """
        let mapText = String(decoding: try JSONSerialization.data(withJSONObject: map), as: UTF8.self)
        let served = try await Self.render(Self.page(map: mapText, script: script), browser: browser, in: TemporaryDirectory("browser-served"))
        #expect(served.contains(#"data-result="shared 1.1.0 / 1 / tiny+dep+late""#), "\(served)")
        for path in ["ga.jspm.io/npm:app-lib@1.0.0/browser.js", "esm.sh/tiny@1.0.0", "esm.sh/stable/tiny@1.0.0/es2022/tiny.mjs", "esm.sh/v135/dep@2.0.0/es2022/late.mjs"] {
            #expect(wharf.text.contains("GET /cdn/\(path) 200"), "\(path) in the access log")
        }
        await wharf.stop()

        // The export, hosted under /vendor by a static server; Wharf and the origin are both gone.
        let site = TemporaryDirectory("browser-export")
        let exported = try await WharfProcess.run([
            "rewrite", dir.path + "/importmap.json", "--config", dir.path + "/proxy.conf", "--data", dir.path + "/store",
            "--export", site.path + "/site/vendor", "--base", "/vendor", "-o", site.path + "/map.json",
        ])
        #expect(exported.status == 0, "\(exported.output)")
        let exportedMap = try String(contentsOfFile: site.path + "/site/vendor/importmap.json", encoding: .utf8)
        #expect(exportedMap.contains("\"/vendor/ga.jspm.io/\""), "\(exportedMap)")
        #expect(exportedMap.contains("\"/vendor/esm.sh/tiny@1.0.0.js\""), "an extensionless module is exported as .js: \(exportedMap)")
        let relinked = try String(contentsOfFile: site.path + "/site/vendor/esm.sh/tiny@1.0.0.js", encoding: .utf8)
        #expect(relinked.contains("\"./stable/tiny@1.0.0/es2022/tiny.mjs\""), "\(relinked)")
        let fromExport = try await Self.render(Self.page(map: exportedMap, script: script), browser: browser, in: site)
        #expect(fromExport.contains(#"data-result="shared 1.1.0 / 1 / tiny+dep+late""#), "\(fromExport)")
        await client.shutdown()
    }

    static func page(map: String, script: String) -> String {
        """
        <!doctype html><html><head><meta charset="utf-8">
        <script type="importmap">\(map)</script>
        <script type="module">
        \(script)
        </script></head><body></body></html>
        """
    }

    /// `wharf serve` on a free port whose public URL is that port, fetching `hosts` from the origin.
    static func serve(in dir: TemporaryDirectory, upstreamsAt originPort: Int, for hosts: [String]) async throws -> (WharfProcess, port: Int) {
        let port = try freePort()
        var config = "[upstreams]\n"
        for host in hosts { config += "\"\(host)\" = \"http://127.0.0.1:\(originPort)\"\n" }
        try config.write(toFile: dir.path + "/proxy.conf", atomically: true, encoding: .utf8)
        let (wharf, _) = try await WharfProcess.launchServe([
            "--config", dir.path + "/proxy.conf", "--data", dir.path + "/store",
            "--listen", "127.0.0.1:\(port)", "--public-url", "http://127.0.0.1:\(port)",
        ])
        return (wharf, port)
    }

    /// Serves `page` from a static server and returns the DOM headless Chromium ends up with.
    /// `arguments` are more Chromium flags (host mappings, trusted certificates).
    static func render(_ page: String, browser: String, in dir: TemporaryDirectory, arguments: [String] = []) async throws -> String {
        let site = dir.path + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        try page.write(toFile: site + "/index.html", atomically: true, encoding: .utf8)
        let server = try await RunningServer.start { ready in
            let router = Router()
            router.middlewares.add(FileMiddleware(site, searchForIndexHtml: false))
            var logger = Logger(label: "static")
            logger.logLevel = .critical
            try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { await ready($0.localAddress?.port ?? 0) }, logger: logger)
                .runService(gracefulShutdownSignals: [])
        }
        let dom = try await dumpDOM("\(server.baseURL)/index.html", browser: browser, profile: dir.path + "/profile", arguments: arguments)
        await server.stop()
        return dom
    }

    /// The DOM headless Chromium ends up with for `url`, with a fresh profile in `profile`.
    static func dumpDOM(_ url: String, browser: String, profile: String, arguments: [String] = []) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile)",
                             "--virtual-time-budget=10000"] + arguments + ["--dump-dom", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read on a plain thread: blocking a cooperative one could starve the in-process static
        // server the browser is loading the page from.
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                continuation.resume(returning: output)
            }
        }
    }
}
