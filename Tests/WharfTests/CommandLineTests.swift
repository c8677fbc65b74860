import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import WharfTestSupport

/// The `wharf` executable itself: signals, exit codes, memory, and the cache commands beside a
/// running server.
@Suite struct CommandLineTests {
    static let slowSize = 2 << 20

    static func origin(bigSize: Int = 0) -> TestOrigin {
        TestOrigin(routes: [
            "/npm:fixture@1.0.0/a.js": TestOrigin.file(Array("export const a = 1;\n".utf8)),
            "/npm:fixture@1.0.0/b.js": TestOrigin.file(Array("export const b = 2;\n".utf8)),
            "/npm:fixture@1.0.0/slow.bin": TestOrigin.stream(size: slowSize, chunk: 64 << 10, delay: .milliseconds(40)),
            "/npm:fixture@1.0.0/big.bin": TestOrigin.stream(size: bigSize, chunk: 256 << 10),
        ])
    }

    @Test func sigtermFinishesTheResponseInFlightThenExits() async throws {
        let origin = Self.origin()
        let originServer = try await origin.start()
        let data = TemporaryDirectory("cli")
        let (wharf, port) = try await WharfProcess.serve(["--data", data.path, "--upstream", "ga.jspm.io=\(originServer.baseURL)"])
        let client = HTTPTestClient()
        // The response head has arrived: the request is in flight when the signal comes.
        let response = try await client.client.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/cdn/ga.jspm.io/npm:fixture@1.0.0/slow.bin"), timeout: .seconds(60))
        wharf.signal(SIGTERM)
        var body: [UInt8] = []
        for try await buffer in response.body { body += buffer.readableBytesView }
        #expect(response.status == .ok)
        #expect(body == TestOrigin.pattern(offset: 0, count: Self.slowSize))
        let status = await wharf.waitForExit(timeout: .seconds(30))
        #expect(status == 0, "\(wharf.text)")
        await wharf.stop()
        await client.shutdown()
        await originServer.stop()
    }

    @Test func cacheStatsAndPurgeWorkBesideARunningServer() async throws {
        let origin = Self.origin()
        let originServer = try await origin.start()
        let data = TemporaryDirectory("cli")
        let (wharf, port) = try await WharfProcess.serve(["--data", data.path, "--upstream", "ga.jspm.io=\(originServer.baseURL)"])
        let client = HTTPTestClient()
        let base = "http://127.0.0.1:\(port)/cdn/ga.jspm.io/npm:fixture@1.0.0/"
        #expect(try await client.get(base + "a.js").status == 200)
        #expect(try await client.get(base + "b.js").status == 200)
        // Hit twice more: the first hit fills the server's hot cache, the second is answered from it.
        for _ in 0..<2 {
            #expect(try await client.get(base + "a.js").header("x-cache") == "HIT")
            #expect(try await client.get(base + "b.js").header("x-cache") == "HIT")
        }

        let stats = try await WharfProcess.run(["cache", "stats", "--data", data.path])
        #expect(stats.status == 0, "\(stats.output)")
        #expect(stats.output.contains("entries:         2"), "\(stats.output)")

        let purge = try await WharfProcess.run(["cache", "purge", "https://ga.jspm.io/npm:fixture@1.0.0/a.js", "--data", data.path])
        #expect(purge.status == 0, "\(purge.output)")
        #expect(purge.output.contains("purged 1 entry"), "\(purge.output)")

        // The running server sees the purge, in its hot cache too: the next request goes upstream again.
        let again = try await client.get(base + "a.js")
        #expect(again.header("x-cache") == "MISS")
        #expect(origin.count("/npm:fixture@1.0.0/a.js") == 2)
        #expect(try await client.get(base + "b.js").header("x-cache") == "HIT")

        let empty = try await WharfProcess.run(["cache", "purge", "", "--data", data.path])
        #expect(empty.status != 0)
        #expect(empty.output.contains("PREFIX"))

        await wharf.stop()
        await client.shutdown()
        await originServer.stop()
    }

    @Test func badConfigurationStopsWithAClearError() async throws {
        let dir = TemporaryDirectory("cli")
        let file = dir.path + "/proxy.conf"
        try "listen = \"127.0.0.1:0\"\nmystery = 1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let unknown = try await WharfProcess.run(["serve", "--config", file])
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("unknown key 'mystery'"), "\(unknown.output)")

        let missing = try await WharfProcess.run(["serve", "--config", dir.path + "/absent.conf"])
        #expect(missing.status != 0)
        #expect(missing.output.contains("cannot read"), "\(missing.output)")

        let upstream = try await WharfProcess.run(["serve", "--listen", "127.0.0.1:0", "--data", dir.path, "--upstream", "ga.jspm.io"])
        #expect(upstream.status != 0)
        #expect(upstream.output.contains("HOST=ORIGIN"), "\(upstream.output)")
    }

    /// The admin key proxy.conf ships (or any short key) never guards a server other machines can
    /// reach: `serve` refuses to listen beyond loopback with it, and warns on loopback.
    @Test func theShippedDefaultKeyIsRefusedBeyondLoopback() async throws {
        let dir = TemporaryDirectory("cli-key")
        let file = dir.path + "/proxy.conf"
        try "[[auth.users]]\nname = \"admin\"\nkey = \"change_me\"\nadmin = true\n".write(toFile: file, atomically: true, encoding: .utf8)
        let open = try await WharfProcess.run(["serve", "--config", file, "--data", dir.path + "/store", "--listen", "0.0.0.0:0"])
        #expect(open.status != 0)
        #expect(open.output.contains("the key of 'admin' is the shipped default"), "\(open.output)")

        try "[[auth.users]]\nname = \"ci\"\nkey = \"short\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let short = try await WharfProcess.run(["serve", "--config", file, "--data", dir.path + "/store", "--listen", "0.0.0.0:0"])
        #expect(short.status != 0)
        #expect(short.output.contains("'ci'"), "\(short.output)")

        let (loopback, _) = try await WharfProcess.serve(["--config", file, "--data", dir.path + "/store"])
        #expect(loopback.text.contains("weak keys: change the key of ci"), "\(loopback.text)")
        await loopback.stop()
    }

    /// A 200 MiB file goes through in chunks: Wharf's heap stays far below the file's size on the
    /// miss (streamed while stored) and on the hit (read back chunk by chunk).
    @Test func aLargeFileStreamsWithBoundedMemory() async throws {
        let size = 200 << 20
        let origin = Self.origin(bigSize: size)
        let originServer = try await origin.start()
        let data = TemporaryDirectory("cli")
        let file = data.path + "/proxy.conf"
        try "[store]\nmax_object_size = \"512 MiB\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let (wharf, port) = try await WharfProcess.serve(["--config", file, "--data", data.path + "/store", "--upstream", "ga.jspm.io=\(originServer.baseURL)"])
        let client = HTTPTestClient()
        let baseline = try #require(wharf.residentAnonymousBytes)
        let url = "http://127.0.0.1:\(port)/cdn/ga.jspm.io/npm:fixture@1.0.0/big.bin"

        for expectedSource in ["MISS", "HIT"] {
            let response = try await client.client.execute(HTTPClientRequest(url: url), timeout: .seconds(300))
            #expect(response.headers.first(name: "x-cache") == expectedSource)
            var received = 0, peak = baseline, mismatches = 0, buffers = 0
            for try await buffer in response.body {
                let probe = buffer.readableBytesView.first
                if probe != UInt8(truncatingIfNeeded: received % 251) { mismatches += 1 }
                received += buffer.readableBytes
                buffers += 1
                if buffers % 64 == 0, let rss = wharf.residentAnonymousBytes { peak = max(peak, rss) }
            }
            #expect(received == size)
            #expect(mismatches == 0)
            #expect(peak - baseline < 64 << 20, "\(expectedSource): heap grew by \((peak - baseline) >> 20) MiB for a \(size >> 20) MiB file")
        }
        #expect(origin.count("/npm:fixture@1.0.0/big.bin") == 1)
        await wharf.stop()
        await client.shutdown()
        await originServer.stop()
    }
}

/// Publishing through a real process that dies mid-upload: nothing of the version may survive.
@Suite struct PublishCrashTests {
    @Test func aPublishCutBySIGKILLLeavesNothingBehind() async throws {
        let data = TemporaryDirectory("crash")
        let file = data.path + "/proxy.conf"
        try """
        [auth]
        jwt_secret = "crash-test-secret"
        [[auth.users]]
        name = "admin"
        key = "k"
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let arguments = ["--config", file, "--data", data.path + "/store"]
        let (first, port) = try await WharfProcess.serve(arguments)
        let client = HTTPTestClient()
        let login = try await client.request("http://127.0.0.1:\(port)/auth/login", method: .POST,
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("key=k".utf8))
        let token = try #require(login.json?["token"] as? String)

        // A 6 MB upload of which only the first half ever arrives.
        let archive = (0..<(6 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let form = MultipartBody([.init("package", filename: "p.tgz", bytes: archive)])
        let head = "PUT /pkg/crash/1.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: \(form.contentType)\r\nContent-Length: \(form.bytes.count)\r\n\r\n"
        let connection = try RawConnection(port: port)
        try connection.send(Array(head.utf8) + form.bytes.prefix(form.bytes.count / 2))
        try await Task.sleep(for: .milliseconds(300))
        first.signal(SIGKILL)
        _ = await first.waitForExit(timeout: .seconds(10))

        let (second, port2) = try await WharfProcess.serve(arguments)
        #expect(try await client.get("http://127.0.0.1:\(port2)/pkg/crash/1.0.0").status == 404)
        #expect(try await client.get("http://127.0.0.1:\(port2)/pkg/crash").status == 404)
        await second.stop()
        let stats = try await WharfProcess.run(["cache", "stats"] + arguments)
        #expect(stats.output.contains("unfinished:      0"), "\(stats.output)")
        await client.shutdown()
    }
}
