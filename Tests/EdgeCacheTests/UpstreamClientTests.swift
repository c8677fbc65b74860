import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import Testing
@testable import EdgeCache
import WharfTestSupport

/// The edge cache's own HTTP/1.1 client against origins that misbehave on purpose: kept-alive
/// connections, silent and cut answers, origins that close idle connections, cancellation, TLS.
@Suite struct UpstreamClientTests {
    static func client(readTimeout: TimeAmount = .seconds(5), tls: TLSConfiguration? = nil) -> UpstreamClient {
        var configuration = UpstreamClient.Configuration(connectTimeout: .seconds(2), readTimeout: readTimeout)
        if let tls { configuration.tls = tls }
        return UpstreamClient(configuration: configuration)
    }

    static func request(_ port: Int, _ path: String, scheme: String = "http", host: String = "127.0.0.1") -> UpstreamRequest {
        UpstreamRequest(origin: Origin("\(scheme)://\(host):\(port)")!, target: path)
    }

    static func ok(_ body: String, close: Bool = false) -> [UInt8] {
        Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\(close ? "Connection: close\r\n" : "")\r\n\(body)".utf8)
    }

    @Test func sequentialRequestsShareOneKeptAliveConnection() async throws {
        let origin = try await RawOrigin.start { index, path in .reply(Self.ok("answer \(index) for \(path)")) }
        let client = Self.client()
        // Connections are kept per event loop: all on one loop, all on one connection.
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        for i in 0..<5 {
            let response = try await client.execute(Self.request(origin.port, "/f\(i).js"), on: loop)
            #expect(response.status == .ok)
            #expect(String(buffer: try await response.body.collect(upTo: 1 << 20)) == "answer \(i) for /f\(i).js")
        }
        #expect(origin.connections == 1)
        // `Connection: close` is obeyed: the next request opens a new connection.
        let closing = try await RawOrigin.start { _, _ in .reply(Self.ok("bye", close: true)) }
        for _ in 0..<2 { _ = try await client.execute(Self.request(closing.port, "/x"), on: loop).body.collect(upTo: 100) }
        #expect(closing.connections == 2)
        await client.shutdown()
        origin.stop(); closing.stop()
    }

    @Test func aSilentOriginTimesOutAndACutBodyFails() async throws {
        let origin = try await RawOrigin.start { _, path in
            path == "/silent" ? .silent : .replyAndClose(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly forty bytes of the hundred promised".utf8))
        }
        let client = Self.client(readTimeout: .milliseconds(300))
        await #expect { _ = try await client.execute(Self.request(origin.port, "/silent")) } throws: { error in
            guard case UpstreamClientError.readTimeout = error else { return false }
            return true
        }
        let cut = try await client.execute(Self.request(origin.port, "/cut"))
        await #expect(throws: UpstreamClientError.self) { _ = try await cut.body.collect(upTo: 1 << 20) }
        // Nothing is listening: the connection is refused, and the error says so.
        let closed = try await RawOrigin.start { _, _ in .silent }
        await closed.close()
        await #expect { _ = try await client.execute(Self.request(closed.port, "/x")) } throws: { error in
            guard case UpstreamClientError.connect = error else { return false }
            return true
        }
        await client.shutdown()
        origin.stop()
    }

    /// An origin that closes a kept-alive connection between requests: the next request opens a
    /// new one instead of failing on the dead one.
    @Test func anIdleConnectionTheOriginClosedIsNotReused() async throws {
        let origin = try await RawOrigin.start { _, _ in .replyThenCloseSoon(Self.ok("fine")) }
        let client = Self.client()
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        for _ in 0..<3 {
            let response = try await client.execute(Self.request(origin.port, "/x"), on: loop)
            #expect(String(buffer: try await response.body.collect(upTo: 100)) == "fine")
            try await Task.sleep(for: .milliseconds(150))
        }
        #expect(origin.connections == 3)
        await client.shutdown()
        origin.stop()
    }

    /// The origin closes a kept-alive connection just as the next request goes out on it: that
    /// request is sent again on a new connection, and the caller never sees the race.
    @Test func aRequestOnAConnectionTheOriginDroppedIsSentAgain() async throws {
        let origin = try await RawOrigin.start { index, _ in .replyOnceThenDrop(Self.ok("answer \(index)")) }
        let client = Self.client()
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        var bodies: [String] = []
        for _ in 0..<3 {
            let response = try await client.execute(Self.request(origin.port, "/x"), on: loop)
            bodies.append(String(buffer: try await response.body.collect(upTo: 100)))
        }
        // Requests 1 and 3 went on connections that then dropped them; each was sent again.
        #expect(bodies == ["answer 0", "answer 2", "answer 4"])
        #expect(origin.connections == 3)
        await client.shutdown()
        origin.stop()
    }

    /// A fetch whose task is cancelled (a drain out of time) ends at once and closes its connection.
    @Test func cancellingARequestClosesItsConnection() async throws {
        let origin = try await RawOrigin.start { _, path in path == "/silent" ? .silent : .reply(Self.ok("after")) }
        let client = Self.client(readTimeout: .seconds(30))
        let waiting = Task { try await client.execute(Self.request(origin.port, "/silent")) }
        try await Task.sleep(for: .milliseconds(200))
        waiting.cancel()
        await #expect(throws: UpstreamClientError.self) { _ = try await waiting.value }
        for _ in 0..<50 where origin.closedConnections < 1 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(origin.closedConnections == 1)
        let next = try await client.execute(Self.request(origin.port, "/next"))
        #expect(String(buffer: try await next.body.collect(upTo: 100)) == "after")
        await client.shutdown()
        origin.stop()
    }

    /// A reader cancelled after its body ended leaves the connection alone: it is kept alive for
    /// the next request (which may already be using it).
    @Test func aReaderCancelledAfterItsBodyEndedKeepsTheConnection() async throws {
        let origin = try await RawOrigin.start { index, _ in .reply(Self.ok("answer \(index)")) }
        let client = Self.client()
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let first = try await client.execute(Self.request(origin.port, "/a"), on: loop)
        let reader = Task {
            try? await Task.sleep(for: .milliseconds(20))
            return try? await first.body.collect(upTo: 100)
        }
        reader.cancel()
        _ = await reader.value
        try await Task.sleep(for: .milliseconds(20))
        let second = try await client.execute(Self.request(origin.port, "/b"), on: loop)
        #expect(String(buffer: try await second.body.collect(upTo: 100)) == "answer 1")
        #expect(origin.connections == 1 && origin.closedConnections == 0)
        await client.shutdown()
        origin.stop()
    }

    /// A body larger than the client buffers is read as the reader takes it, and arrives whole.
    @Test func aLargeBodyReadSlowlyArrivesWhole() async throws {
        let size = 6 << 20
        let body = String(repeating: "0123456789abcdef", count: size / 16)
        let origin = try await RawOrigin.start { _, _ in .reply(Self.ok(body)) }
        let client = Self.client()
        let response = try await client.execute(Self.request(origin.port, "/big"))
        var received = 0, parts = 0
        for try await part in response.body {
            received += part.readableBytes
            parts += 1
            if parts % 16 == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(received == size)
        await client.shutdown()
        origin.stop()
    }

    @Test func httpsOriginsAreVerifiedAgainstTheTrustRoots() async throws {
        let directory = TemporaryDirectory("upstream-tls")
        let certificate = try TestCertificate.make(for: "localhost", in: directory.path)
        let origin = TestOrigin(routes: ["/x.js": TestOrigin.file(Array("export {}".utf8))])
        let server = try await origin.start(tls: certificate)
        var trusting = TLSConfiguration.makeClientConfiguration()
        trusting.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate.certificatePath))
        let client = Self.client(tls: trusting)
        let response = try await client.execute(Self.request(server.port, "/x.js", scheme: "https", host: "localhost"))
        #expect(response.status == .ok)
        #expect(String(buffer: try await response.body.collect(upTo: 100)) == "export {}")
        await client.shutdown()
        // The system's roots do not know the test certificate: the handshake fails, nothing is read.
        let strict = Self.client()
        await #expect(throws: UpstreamClientError.self) { _ = try await strict.execute(Self.request(server.port, "/x.js", scheme: "https", host: "localhost")) }
        await strict.shutdown()
        await server.stop()
    }
}

/// A TCP origin that answers each request head as `respond` says, and counts its connections.
final class RawOrigin: Sendable {
    enum Action: Sendable {
        case reply([UInt8])
        case replyAndClose([UInt8])
        /// Replies, then closes the connection a moment later, unasked.
        case replyThenCloseSoon([UInt8])
        /// Replies to a connection's first request; its next one gets no answer, the connection closes
        /// (an origin's keep-alive timeout racing a request).
        case replyOnceThenDrop([UInt8])
        case silent
    }

    /// What every connection of one origin shares.
    final class Shared: Sendable {
        let respond: @Sendable (Int, String) -> Action
        let counts = Mutex((opened: 0, closed: 0, requests: 0))

        init(respond: @escaping @Sendable (Int, String) -> Action) {
            self.respond = respond
        }
    }

    let port: Int
    private let channel: any Channel
    private let shared: Shared

    var connections: Int { shared.counts.withLock { $0.opened } }
    var closedConnections: Int { shared.counts.withLock { $0.closed } }

    private init(port: Int, channel: any Channel, shared: Shared) {
        self.port = port
        self.channel = channel
        self.shared = shared
    }

    static func start(_ respond: @escaping @Sendable (_ index: Int, _ path: String) -> Action) async throws -> RawOrigin {
        let shared = Shared(respond: respond)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Connection(shared: shared))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawOrigin(port: channel.localAddress!.port!, channel: channel, shared: shared)
    }

    func stop() { channel.close(promise: nil) }

    /// Stops listening and waits until the socket is closed, so a connect after it is refused.
    func close() async { try? await channel.close().get() }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let shared: Shared
        var received: [UInt8] = []
        var answered = 0

        init(shared: Shared) {
            self.shared = shared
        }

        func channelActive(context: ChannelHandlerContext) { shared.counts.withLock { $0.opened += 1 } }
        func channelInactive(context: ChannelHandlerContext) { shared.counts.withLock { $0.closed += 1 } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += unwrapInboundIn(data).readableBytesView
            while let end = Self.headEnd(received) {
                let head = String(decoding: received[..<end], as: UTF8.self)
                received.removeFirst(end)
                let path = head.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
                let index = shared.counts.withLock { counts in
                    defer { counts.requests += 1 }
                    return counts.requests
                }
                let loop = context.eventLoop.assumeIsolated()
                switch shared.respond(index, path) {
                case .reply(let answer):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: answer)), promise: nil)
                case .replyAndClose(let answer):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: answer)), promise: nil)
                    context.close(promise: nil)
                case .replyThenCloseSoon(let answer):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: answer)), promise: nil)
                    loop.scheduleTask(in: .milliseconds(50)) { context.close(promise: nil) }
                case .replyOnceThenDrop(let answer):
                    if answered == 0 {
                        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: answer)), promise: nil)
                    } else {
                        context.close(promise: nil)
                    }
                case .silent:
                    break
                }
                answered += 1
            }
        }

        static func headEnd(_ bytes: [UInt8]) -> Int? {
            guard bytes.count >= 4 else { return nil }
            for i in 3..<bytes.count where bytes[i] == 10 && bytes[i - 1] == 13 && bytes[i - 2] == 10 && bytes[i - 3] == 13 { return i + 1 }
            return nil
        }
    }
}
