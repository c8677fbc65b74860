import Foundation
import Hummingbird
import Logging
import Testing
import WharfTestSupport

/// A static site that fronts Wharf at `/cdn/` (Wharf's `public_url` is the site's origin) runs pages
/// from sub-folders with maps Wharf generated with `provider=local` and `mapUrl` (URLs relative to
/// the page's folder) or `rootUrl` (root-relative `/cdn/…`), with the CDN origin stopped.
@Suite(.serialized) struct SiteMapBrowserTests {
    @Test func mapURLAndRootURLMapsRunFromSubFolders() async throws {
        let browser = try #require(BrowserTests.chromium, "chromium is needed (scripts/test installs it)")
        let originServer = try await TestOrigin(routes: NpmFixture.routes).start()
        let dir = TemporaryDirectory("browser-site")
        let site = dir.path + "/site"
        try FileManager.default.createDirectory(atPath: site + "/app/sub/deeper", withIntermediateDirectories: true)
        let wharfPort = try BrowserTests.freePort()
        let client = HTTPTestClient()
        let siteServer = try await Self.startSite(site, forwardingCDNTo: "http://127.0.0.1:\(wharfPort)", client: client)
        let siteURL = siteServer.baseURL

        var config = "[upstreams]\n"
        for host in ["ga.jspm.io", "api.jspm.io", "registry.npmjs.org"] { config += "\"\(host)\" = \"http://127.0.0.1:\(originServer.port)\"\n" }
        try config.write(toFile: dir.path + "/proxy.conf", atomically: true, encoding: .utf8)
        let (wharf, _) = try await WharfProcess.launchServe([
            "--config", dir.path + "/proxy.conf", "--data", dir.path + "/store",
            "--listen", "127.0.0.1:\(wharfPort)", "--public-url", siteURL,
        ])
        let generate = "http://127.0.0.1:\(wharfPort)/generate?install=app-lib&provider=local&output=importmap"
        let relative = try await client.get(generate + "&mapUrl=\(siteURL)/app/sub/index.html")
        #expect(relative.status == 200, "\(relative.text)")
        #expect((relative.json?["imports"] as? [String: String])?["app-lib"] == "../../cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js", "\(relative.text)")
        let rooted = try await client.get(generate + "&rootUrl=\(siteURL)/")
        #expect(rooted.status == 200, "\(rooted.text)")
        #expect((rooted.json?["imports"] as? [String: String])?["app-lib"] == "/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js", "\(rooted.text)")
        await originServer.stop()

        let script = """
        import lib, { lazy } from "app-lib";
        const d = await lazy();
        document.body.setAttribute("data-result", lib + " / " + d.d);
        """
        try BrowserTests.page(map: relative.text, script: script).write(toFile: site + "/app/sub/index.html", atomically: true, encoding: .utf8)
        try BrowserTests.page(map: rooted.text, script: script).write(toFile: site + "/app/sub/deeper/page.html", atomically: true, encoding: .utf8)
        let fromMapURL = try await BrowserTests.dumpDOM("\(siteURL)/app/sub/index.html", browser: browser, profile: dir.path + "/profile-a")
        #expect(fromMapURL.contains(#"data-result="shared 1.1.0 / 1""#), "\(fromMapURL)")
        let fromRootURL = try await BrowserTests.dumpDOM("\(siteURL)/app/sub/deeper/page.html", browser: browser, profile: dir.path + "/profile-b")
        #expect(fromRootURL.contains(#"data-result="shared 1.1.0 / 1""#), "\(fromRootURL)")
        // The modules came from Wharf, through the site's /cdn/ (Wharf's access log says so).
        for path in ["npm:app-lib@1.0.0/browser.js", "npm:shared@1.1.0/esm/index.js", "npm:dyn@1.0.0/index.js"] {
            #expect(wharf.text.contains("GET /cdn/ga.jspm.io/\(path) 200"), "\(path) in the access log")
        }
        await siteServer.stop()
        await wharf.stop()
        await client.shutdown()
    }

    /// The site: its files, and `/cdn/…` answered by Wharf (status, type and body passed on).
    static func startSite(_ site: String, forwardingCDNTo wharf: String, client: HTTPTestClient) async throws -> RunningServer {
        try await RunningServer.start { ready in
            let router = Router()
            router.middlewares.add(FileMiddleware(site, searchForIndexHtml: false))
            router.get("/cdn/**") { request, _ -> Response in
                let answer = try await client.get(wharf + request.uri.path)
                var headers = HTTPFields()
                if let type = answer.header("content-type") { headers[.contentType] = type }
                return Response(status: .init(code: answer.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
            }
            var logger = Logger(label: "site")
            logger.logLevel = .critical
            try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { await ready($0.localAddress?.port ?? 0) }, logger: logger)
                .runService(gracefulShutdownSignals: [])
        }
    }
}
