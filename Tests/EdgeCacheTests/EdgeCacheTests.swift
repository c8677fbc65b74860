import Dispatch
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Storage
import Testing
import WharfTestSupport
@testable import EdgeCache

/// `EdgeCache` on its own, without Wharf's HTTP server: a temporary store and a local origin on
/// 127.0.0.1 standing in for ga.jspm.io.
@Suite struct EdgeCacheTests {
    static let module = Array("export const answer = 42;\n".utf8)
    static let binary = TestOrigin.pattern(offset: 0, count: 20_000)

    /// The origin, the store and the cache over them; `close` takes them down in order.
    struct Fixture {
        let origin: TestOrigin
        let server: RunningServer
        let directory = TemporaryDirectory("edge-cache")
        let cache: EdgeCache

        init(routes: [String: TestOrigin.Handler], offline: Bool = false) async throws {
            origin = TestOrigin(routes: routes)
            server = try await origin.start()
            let environment = try StoreEnvironment(path: directory.path, options: StoreOptions(chunkSize: 4096))
            var logger = Logger(label: "edge-cache-test")
            logger.logLevel = .critical
            let configuration = EdgeCacheConfiguration(upstreams: UpstreamSet(["ga.jspm.io": Origin(server.baseURL)!]), offline: offline)
            cache = try EdgeCache(blobs: try BlobStore(environment: environment), configuration: configuration, metrics: NOOPMetricsHandler.instance, logger: logger)
        }

        func address(_ path: String) throws -> CacheAddress {
            try CacheAddress.parse(Substring("ga.jspm.io" + path), query: nil, upstreams: cache.configuration.upstreams)
        }

        func close() async throws {
            await cache.drain()
            defer { cache.environment.close() }
            try await cache.shutdown()
            await server.stop()
        }
    }

    /// Runs `body` against a fresh fixture, closing it afterwards also when `body` throws.
    func with(routes: [String: TestOrigin.Handler], offline: Bool = false, _ body: (Fixture) async throws -> Void) async throws {
        let fixture = try await Fixture(routes: routes, offline: offline)
        do {
            try await body(fixture)
        } catch {
            try? await fixture.close()
            throw error
        }
        try await fixture.close()
    }

    /// The whole body of `response`, from the store or from the flight.
    func bytes(_ response: CacheResponse, _ cache: EdgeCache) async throws -> [UInt8] {
        switch response.body {
        case .none: return []
        case .stored(let ref, let preloaded):
            return try preloaded.map { Array($0.readableBytesView) } ?? cache.blobs.readAll(ref)
        case .live(let live):
            var bytes: [UInt8] = []
            for try await buffer in live { bytes += buffer.readableBytesView }
            return bytes
        }
    }

    func lookup(_ path: String, in fixture: Fixture) async throws -> (CacheResponse.Source, [UInt8]) {
        let response = try await fixture.cache.lookup(try fixture.address(path))
        return (response.source, try await bytes(response, fixture.cache))
    }

    @Test func aMissIsFetchedOnceAndThenServedFromTheStore() async throws {
        try await with(routes: ["/npm:a@1.0.0/index.js": TestOrigin.file(Self.module)]) { fixture in
            let (first, firstBytes) = try await lookup("/npm:a@1.0.0/index.js", in: fixture)
            #expect(first == .miss)
            #expect(firstBytes == Self.module)
            let (second, secondBytes) = try await lookup("/npm:a@1.0.0/index.js", in: fixture)
            #expect(second == .hit)
            #expect(secondBytes == Self.module)
            #expect(fixture.origin.count("/npm:a@1.0.0/index.js") == 1)
        }
    }

    @Test func aSmallModuleIsStoredWithItsEntryInOneCommit() async throws {
        try await with(routes: ["/npm:a@1.0.0/index.js": TestOrigin.file(Self.module)]) { fixture in
            let before = fixture.cache.environment.lastCommittedTransaction()
            let (first, firstBytes) = try await lookup("/npm:a@1.0.0/index.js", in: fixture)
            #expect(first == .miss)
            #expect(firstBytes == Self.module)
            // A hit is read from the store, so the miss's commit is done once it is answered.
            let (second, secondBytes) = try await lookup("/npm:a@1.0.0/index.js", in: fixture)
            #expect(second == .hit)
            #expect(secondBytes == Self.module)
            // Body, hash index and entry in one transaction: no pending chunk written on its own.
            #expect(fixture.cache.environment.lastCommittedTransaction() == before + 1)
            #expect(try fixture.cache.blobs.statistics().pending == 0)
        }
    }

    /// Holds the store's writer with a write that waits, then misses the fixture's module: the
    /// answer comes while the module's commit is queued behind the held write.
    func missBehindAHeldWriter(_ fixture: Fixture) async throws -> (EdgeCache, CacheAddress, HeldWriter, CacheResponse) {
        let cache = fixture.cache, address = try fixture.address("/npm:a@1.0.0/index.js")
        let writer = await HeldWriter.hold(cache.environment)
        let first = try await cache.lookup(address)
        #expect(first.source == .miss)
        #expect(try await bytes(first, cache) == Self.module)
        return (cache, address, writer, first)
    }

    /// A whole module is answered from memory while its commit waits (here behind a write that
    /// holds the store's writer): no disk flush is on the miss's path. Requests that come after
    /// the answer, online or offline, wait for the commit and read the entry as hits; none of them
    /// asks the origin again.
    @Test(.timeLimit(.minutes(1))) func aWholeModuleIsAnsweredBeforeItsCommitAndLaterRequestsReadTheCommittedEntry() async throws {
        try await with(routes: ["/npm:a@1.0.0/index.js": TestOrigin.file(Self.module)]) { fixture in
            let (cache, address, writer, first) = try await missBehindAHeldWriter(fixture)
            #expect(first.entry.etag == "\"\(cache.blobs.prepare(Self.module).ref.sha256Hex)\"", "the ETag is known before the commit")
            #expect(try cache.readEntry(address.key) == nil, "the commit still waits for the writer")
            #expect(cache.maintenance.inFlight == 1, "the flight stays joinable until its commit ends")

            // Both join the flight now, synchronously, while its commit waits.
            let (later, answered) = AsyncStream.makeStream(of: Result<CacheResponse, EdgeCacheError>.self)
            cache.lookup(address) { answered.yield($0) }
            cache.lookup(address, offline: true) { answered.yield($0) }
            await writer.release()
            var answers: [CacheResponse] = []
            for await result in later {
                answers.append(try result.get())
                if answers.count == 2 { break }
            }
            #expect(answers.map(\.source) == [.hit, .hit])
            for answer in answers { #expect(try await bytes(answer, cache) == Self.module) }
            #expect(try cache.readEntry(address.key)?.0.etag == first.entry.etag)
            #expect(fixture.origin.count("/npm:a@1.0.0/index.js") == 1)
        }
    }

    /// A whole module whose commit fails (here the store closes while the commit waits) was
    /// answered all the same, and its flight settles: a request that waited for the commit goes on
    /// and is told the store's error instead of hanging.
    @Test(.timeLimit(.minutes(1))) func aWholeModuleWhoseCommitFailsIsAnsweredAndItsWaitersGoOn() async throws {
        try await with(routes: ["/npm:a@1.0.0/index.js": TestOrigin.file(Self.module)]) { fixture in
            let (cache, address, writer, _) = try await missBehindAHeldWriter(fixture)
            let (later, answered) = AsyncStream.makeStream(of: Result<CacheResponse, EdgeCacheError>.self)
            cache.lookup(address) { answered.yield($0) }

            // The store closes behind the held write: the module's commit, queued before the close, fails.
            Thread { cache.environment.close() }.start()
            while cache.environment.lastCommittedTransaction() != 0 { await Task.yield() }
            await writer.release()
            var outcome: Result<CacheResponse, EdgeCacheError>?
            for await result in later { outcome = result; break }
            guard case .failure(let error) = outcome else {
                Issue.record("expected the store's error, got \(String(describing: outcome))")
                return
            }
            #expect(error.kind == .storage)
            #expect(cache.maintenance.inFlight == 0, "the flight settled")
            #expect(fixture.origin.count("/npm:a@1.0.0/index.js") == 1)
        }
    }

    @Test func aModuleLargerThanAChunkIsStreamedIntoTheStoreWhole() async throws {
        // The fixture's chunks are 4 KiB: this module is held for relinking but written through the writer.
        let large = Array(("export const text = \"" + String(repeating: "x", count: 10_000) + "\";\n").utf8)
        try await with(routes: ["/npm:a@1.0.0/large.js": TestOrigin.file(large)]) { fixture in
            let (first, firstBytes) = try await lookup("/npm:a@1.0.0/large.js", in: fixture)
            #expect(first == .miss)
            #expect(firstBytes == large)
            #expect(try fixture.cache.blobs.statistics().pending == 0)
            let (second, secondBytes) = try await lookup("/npm:a@1.0.0/large.js", in: fixture)
            #expect(second == .hit)
            #expect(secondBytes == large)
        }
    }

    /// Chunked, no Content-Length, head and body in one write: the whole body is there when the
    /// head is, yet it is larger than a chunk, so it takes the writer's path, every byte of it.
    @Test func aWholeChunkedModuleLargerThanAChunkIsStoredWhole() async throws {
        let large = Array(("export const text = \"" + String(repeating: "y", count: 10_000) + "\";\n").utf8)
        let answer = Array("HTTP/1.1 200 OK\r\nContent-Type: text/javascript\r\nTransfer-Encoding: chunked\r\n\r\n\(String(large.count, radix: 16))\r\n".utf8) + large + Array("\r\n0\r\n\r\n".utf8)
        let origin = try await RawOrigin.start { _, _ in .reply(answer) }
        let directory = TemporaryDirectory("edge-cache-chunked")
        let environment = try StoreEnvironment(path: directory.path, options: StoreOptions(chunkSize: 4096))
        let configuration = EdgeCacheConfiguration(upstreams: UpstreamSet(["ga.jspm.io": Origin("http://127.0.0.1:\(origin.port)")!]))
        let cache = try EdgeCache(blobs: try BlobStore(environment: environment), configuration: configuration, metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test"))
        let address = try CacheAddress.parse("ga.jspm.io/npm:a@1.0.0/chunked.js", query: nil, upstreams: configuration.upstreams)
        let first = try await cache.lookup(address)
        #expect(first.source == .miss)
        #expect(try await bytes(first, cache) == large)
        let second = try await cache.lookup(address)
        #expect(second.source == .hit)
        #expect(try await bytes(second, cache) == large)
        await cache.drain()
        try await cache.shutdown()
        environment.close()
        origin.stop()
    }

    /// Answers NIO's decoder refuses (a head over its size limit, a status line that is not one):
    /// the lookup fails as the upstream's fault, nothing is stored, and the next fetch works.
    @Test func anOriginsMalformedOrOversizedHeadFailsTheFetchAndStoresNothing() async throws {
        let huge = Array("HTTP/1.1 200 OK\r\nX-Padding: \(String(repeating: "p", count: 200_000))\r\nContent-Length: 2\r\n\r\nok".utf8)
        let origin = try await RawOrigin.start { _, path in
            switch path {
            case "/npm:a@1.0.0/huge.js": .reply(huge)
            case "/npm:a@1.0.0/garbage.js": .replyAndClose(Array("HTTP/1.1 2x0 What\r\n\r\n".utf8))
            default: .reply(Array("HTTP/1.1 200 OK\r\nContent-Type: text/javascript\r\nContent-Length: 17\r\n\r\nexport default 1;".utf8))
            }
        }
        let directory = TemporaryDirectory("edge-cache-malformed")
        let environment = try StoreEnvironment(path: directory.path, options: StoreOptions(chunkSize: 4096))
        let configuration = EdgeCacheConfiguration(upstreams: UpstreamSet(["ga.jspm.io": Origin("http://127.0.0.1:\(origin.port)")!]))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let cache = try EdgeCache(blobs: try BlobStore(environment: environment), configuration: configuration, metrics: NOOPMetricsHandler.instance, logger: logger)
        for path in ["/npm:a@1.0.0/huge.js", "/npm:a@1.0.0/garbage.js"] {
            let address = try CacheAddress.parse(Substring("ga.jspm.io" + path), query: nil, upstreams: configuration.upstreams)
            await #expect { _ = try await cache.lookup(address) } throws: { error in
                (error as? EdgeCacheError)?.kind == .upstreamUnavailable
            }
            #expect(try cache.readEntry(address.key) == nil)
        }
        let fine = try CacheAddress.parse("ga.jspm.io/npm:a@1.0.0/fine.js", query: nil, upstreams: configuration.upstreams)
        #expect(try await bytes(try await cache.lookup(fine), cache) == Array("export default 1;".utf8))
        await cache.drain()
        try await cache.shutdown()
        environment.close()
        origin.stop()
    }

    @Test func twoConcurrentMissesShareOneUpstreamRequest() async throws {
        let gate = Gate()
        try await with(routes: ["/npm:a@1.0.0/data.bin": gate.holdingBody(Self.binary)]) { fixture in
            let address = try fixture.address("/npm:a@1.0.0/data.bin")
            // The head is out, the body held back: the fetch is running, so the second request joins it.
            let first = try await fixture.cache.lookup(address)
            let second = try await fixture.cache.lookup(address)
            #expect(first.source == .miss)
            #expect(second.source == .coalesced)
            #expect(fixture.cache.maintenance.inFlight == 1)
            gate.open()
            #expect(try await bytes(first, fixture.cache) == Self.binary)
            #expect(try await bytes(second, fixture.cache) == Self.binary)
            #expect(fixture.origin.count("/npm:a@1.0.0/data.bin") == 1)
            let (third, _) = try await lookup("/npm:a@1.0.0/data.bin", in: fixture)
            #expect(third == .hit)
        }
    }

    @Test func anOfflineMissFailsWithoutAskingTheOrigin() async throws {
        try await with(routes: ["/npm:a@1.0.0/index.js": TestOrigin.file(Self.module)], offline: true) { fixture in
            let address = try fixture.address("/npm:a@1.0.0/index.js")
            let error = await #expect(throws: EdgeCacheError.self) { try await fixture.cache.lookup(address) }
            #expect(error?.kind == .offlineMiss)
            #expect(fixture.origin.count("/npm:a@1.0.0/index.js") == 0)
        }
    }

    @Test func aHostOutsideTheAllowlistIsRefusedAndNothingIsSent() async throws {
        try await with(routes: ["/x.js": TestOrigin.file(Self.module)]) { fixture in
            let upstreams = fixture.cache.configuration.upstreams
            let parsed = #expect(throws: EdgeCacheError.self) { try CacheAddress.parse("evil.example/x.js", query: nil, upstreams: upstreams) }
            #expect(parsed?.kind == .hostNotAllowed)
            let address = CacheAddress(host: "evil.example", path: "/x.js", query: nil)
            let looked = await #expect(throws: EdgeCacheError.self) { try await fixture.cache.lookup(address) }
            #expect(looked?.kind == .hostNotAllowed)
            #expect(fixture.origin.count("/x.js") == 0)
        }
    }

    @Test func drainWaitsForARunningFetchToStoreWhatItGot() async throws {
        let gate = Gate()
        try await with(routes: ["/npm:a@1.0.0/index.js": gate.holding(TestOrigin.file(Self.module))]) { fixture in
            let cache = fixture.cache, key = try fixture.address("/npm:a@1.0.0/index.js").key
            async let miss = lookup("/npm:a@1.0.0/index.js", in: fixture)
            await gate.arrival()
            let drained = Task { await cache.drain(timeout: .seconds(600)); return try cache.readEntry(key) != nil }
            gate.open()
            #expect(try await drained.value, "drain returned only once the entry was stored")
            #expect(cache.maintenance.inFlight == 0)
            let (_, body) = try await miss
            #expect(body == Self.module)
        }
    }

    @Test func aFetchStillRunningWhenTheDrainTimesOutIsCancelledAndStoresNothing() async throws {
        let gate = Gate()
        try await with(routes: ["/npm:a@1.0.0/index.js": gate.holding(TestOrigin.file(Self.module))]) { fixture in
            let cache = fixture.cache, address = try fixture.address("/npm:a@1.0.0/index.js")
            let miss = Task { try await cache.lookup(address) }
            await gate.arrival()
            await cache.drain(timeout: .milliseconds(1))
            #expect(cache.maintenance.inFlight == 0)
            await #expect(throws: EdgeCacheError.self) { try await miss.value }
            #expect(try cache.readEntry(address.key) == nil)
            gate.open()
        }
    }
}

/// Holds an origin's answers until the test opens it, and tells the test when a request arrived.
/// A write that holds the store's writer until `release`, so the commits queued meanwhile wait.
struct HeldWriter: Sendable {
    private let proceed = DispatchSemaphore(value: 0)
    private let holding: Task<Void, any Error>

    private init(_ environment: StoreEnvironment, entered: DispatchSemaphore) {
        let proceed = proceed
        holding = Task { try await environment.write { _ in entered.signal(); proceed.wait() } }
    }

    /// Returns once the holding write runs. Waited for on a thread of its own: a blocked thread of
    /// Swift's pool could starve the test's origin.
    static func hold(_ environment: StoreEnvironment) async -> HeldWriter {
        let entered = DispatchSemaphore(value: 0)
        let writer = HeldWriter(environment, entered: entered)
        await withCheckedContinuation { done in Thread { entered.wait(); done.resume() }.start() }
        return writer
    }

    /// Lets the holding write end, and waits for it (it fails when the store closed meanwhile).
    func release() async {
        proceed.signal()
        _ = try? await holding.value
    }
}

struct Gate: Sendable {
    private let arrivals: AsyncStream<Void>
    private let arrived: AsyncStream<Void>.Continuation
    private let opened: AsyncStream<Void>
    private let opener: AsyncStream<Void>.Continuation

    init() {
        (arrivals, arrived) = AsyncStream.makeStream()
        (opened, opener) = AsyncStream.makeStream()
    }

    func holding(_ handler: @escaping TestOrigin.Handler) -> TestOrigin.Handler {
        let arrived = arrived, opened = opened
        return { request, attempt in
            arrived.yield()
            for await _ in opened {}
            return try await handler(request, attempt)
        }
    }

    /// A 200 whose head goes at once and whose body waits for `open`.
    func holdingBody(_ body: [UInt8]) -> TestOrigin.Handler {
        let opened = opened
        return { _, _ in
            Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: ResponseBody(contentLength: body.count) { writer in
                for await _ in opened {}
                try await writer.write(ByteBuffer(bytes: body))
                try await writer.finish(nil)
            })
        }
    }

    /// Returns once a request reached the origin.
    func arrival() async {
        for await _ in arrivals { return }
    }

    func open() { opener.finish() }
}
