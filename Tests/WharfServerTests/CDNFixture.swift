import Foundation
import Hummingbird
import WharfServer
import WharfTestSupport

/// One origin with the files the edge-cache tests use, a Wharf in front of it, and a client.
struct CDNFixture {
    /// 127 bytes, the size of a small module (and of the bench's small file).
    static let small = Array(("export const answer = 42;\n//" + String(repeating: "x", count: 98) + "\n").utf8)
    static let mutableV1 = Array("export default 'v1';\n".utf8)

    let origin: TestOrigin
    let originServer: RunningServer
    let data = TemporaryDirectory("cdn")
    var wharf: RunningServer
    let client = HTTPTestClient()
    var configuration: WharfConfiguration

    init(routes: [String: TestOrigin.Handler]? = nil, configure: (inout WharfConfiguration) -> Void = { _ in }) async throws {
        origin = TestOrigin(routes: routes ?? Self.routes)
        originServer = try await origin.start()
        configuration = WharfConfiguration.testing(data: data.path, originPort: originServer.port)
        configuration.cache.freshness.minimumLifetime = .zero
        configure(&configuration)
        wharf = try await startWharf(configuration)
    }

    /// The files the edge-cache tests fetch.
    static let routes: [String: TestOrigin.Handler] = [
            "/npm:fixture@1.0.0/small.js": TestOrigin.file(Self.small),
            "/npm:fixture@1.0.0/slow.js": TestOrigin.stream(size: 512 << 10, chunk: 16 << 10, delay: .milliseconds(10)),
            "/npm:fixture@1.0.0/slow.bin": TestOrigin.stream(size: 512 << 10, chunk: 16 << 10, delay: .milliseconds(10)),
            "/npm:fixture@1.0.0/big.bin": TestOrigin.stream(size: 3 << 20),
            "/npm:fixture@1.0.0/cut.js": { _, attempt in
                CDNFixture.cutResponse(total: 100_000, cutAt: attempt == 1 ? 40_000 : nil)
            },
            "/npm:fixture@1.0.0/chunked.js": { _, _ in
                Response(status: .ok, headers: [.contentType: "text/javascript"], body: ResponseBody { writer in
                    for part in 0..<4 { try await writer.write(ByteBuffer(string: "// part \(part)\n")) }
                    try await writer.finish(nil)
                })
            },
            "/npm:fixture/index.js": TestOrigin.file(Self.mutableV1, cacheControl: "public, max-age=0", etag: "\"v1\""),
            "/npm:fixture@1.0.0/style.css": TestOrigin.file(Array("a{}".utf8), contentType: ""),
            "/fixture": TestOrigin.redirect("/fixture@1.0.0/index.js"),
            "/fixture@1.0.0/index.js": TestOrigin.file(Self.small),
            "/offsite": TestOrigin.redirect("https://evil.example/x.js"),
            "/dotdot": TestOrigin.redirect("https://unpkg.com/a/%2e%2e/%2e%2e/etc/passwd"),
            "/cross": TestOrigin.redirect("https://ga.jspm.io/npm:fixture@1.0.0/small.js"),
    ]

    /// Runs `body` against a fresh fixture and stops its servers afterwards, also when it throws.
    static func with(
        routes: [String: TestOrigin.Handler]? = nil, configure: (inout WharfConfiguration) -> Void = { _ in },
        _ body: (inout CDNFixture) async throws -> Void
    ) async throws {
        var fixture = try await CDNFixture(routes: routes, configure: configure)
        do {
            try await body(&fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await client.get(wharf.baseURL + path, headers: headers)
    }

    /// Stops Wharf and starts it again on the same store, with `change` applied to its configuration.
    mutating func restart(_ change: (inout WharfConfiguration) -> Void = { _ in }) async throws {
        await wharf.stop()
        change(&configuration)
        wharf = try await startWharf(configuration)
    }

    func stop() async {
        await wharf.stop()
        await originServer.stop()
        await client.shutdown()
    }
}

extension CDNFixture {
    /// Declares `total` bytes; when `cutAt` is set, sends only that many and then drops the connection.
    static func cutResponse(total: Int, cutAt: Int?) -> Response {
        Response(status: .ok, headers: [.contentType: "text/javascript", .cacheControl: "public, max-age=31536000, immutable"],
                 body: ResponseBody(contentLength: total) { writer in
            let sent = cutAt ?? total
            try await writer.write(ByteBuffer(bytes: TestOrigin.pattern(offset: 0, count: sent)))
            if cutAt != nil { throw CancellationError() }
            try await writer.finish(nil)
        })
    }
}
