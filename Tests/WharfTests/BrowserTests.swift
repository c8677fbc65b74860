import Foundation
import Hummingbird
import Logging
import Testing
import WharfTestSupport

/// A real browser loads a page whose import map Wharf generated with `provider=local`, with the
/// origin gone: the page's modules (static and dynamic imports) come from Wharf alone.
@Suite struct BrowserTests {
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
        let port = try Self.freePort()
        var config = "[upstreams]\n"
        for host in ["ga.jspm.io", "api.jspm.io", "registry.npmjs.org"] { config += "\"\(host)\" = \"http://127.0.0.1:\(originServer.port)\"\n" }
        try config.write(toFile: dir.path + "/proxy.conf", atomically: true, encoding: .utf8)
        let (wharf, _) = try await WharfProcess.launchServe([
            "--config", dir.path + "/proxy.conf", "--data", dir.path + "/store",
            "--listen", "127.0.0.1:\(port)", "--public-url", "http://127.0.0.1:\(port)",
        ])
        let client = HTTPTestClient()
        let generated = try await client.get("http://127.0.0.1:\(port)/generate?install=app-lib&provider=local&output=importmap")
        #expect(generated.status == 200, "\(generated.text)")
        await originServer.stop()

        let site = dir.path + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        let page = """
        <!doctype html><html><head><meta charset="utf-8">
        <script type="importmap">\(generated.text)</script>
        <script type="module">
        import lib, { lazy } from "app-lib";
        const d = await lazy();
        document.body.setAttribute("data-result", lib + " / " + d.d);
        </script></head><body></body></html>
        """
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

        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(dir.path)/profile",
                             "--virtual-time-budget=10000", "--dump-dom", "\(server.baseURL)/index.html"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let dom = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(dom.contains(#"data-result="shared 1.1.0 / 1""#), "\(dom)")

        await server.stop()
        await wharf.stop()
        await client.shutdown()
    }
}
