import Crypto
import Foundation
import Hummingbird
import NIOCore
import Synchronization
import Testing
@testable import WharfServer
import WharfTestSupport

/// The hot path (`HotCache` + `HotPathHandler`): every behaviour of a hit is the same whether it is
/// answered from memory or from the store, with the hot cache on, full, or off.
@Suite struct HotCacheTests {
    static let small = "/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js"
    static let page = "/cdn/ga.jspm.io/npm:fixture@1.0.0/page.html"
    static let html = Array("<!doctype html><script>alert(1)</script>\n".utf8)

    static var routes: [String: TestOrigin.Handler] {
        var routes = CDNFixture.routes
        routes["/npm:fixture@1.0.0/page.html"] = TestOrigin.file(html, contentType: "text/html")
        for i in 0..<40 {
            routes["/npm:fixture@1.0.0/f\(i).js"] = TestOrigin.file(Self.file(i))
        }
        return routes
    }

    /// 1–40 KB files, different for each `i`.
    static func file(_ i: Int) -> [UInt8] {
        Array("export const f = \(i);\n".utf8) + [UInt8](repeating: UInt8(ascii: "a") + UInt8(i % 26), count: 1000 * (i + 1))
    }

    /// Every header but `Date`, in order, as the client received them.
    static func headers(_ response: TestResponse) -> [String] {
        response.headers.filter { $0.name.lowercased() != "date" }.map { "\($0.name.lowercased()): \($0.value)" }
    }

    static func metric(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    /// The answers of one file's requests: a 200, HEAD, 304s, 206s, 416, If-Range.
    static func answers(_ fixture: CDNFixture, _ path: String, etag: String, lastModified: String) async throws -> [TestResponse] {
        let client = fixture.client, url = fixture.wharf.baseURL + path
        return [
            try await client.get(url),
            try await client.request(url, method: .HEAD),
            try await client.get(url, headers: [("If-None-Match", "\"other\", \(etag)")]),
            try await client.get(url, headers: [("If-None-Match", "*")]),
            try await client.get(url, headers: [("If-None-Match", "\"other\"")]),
            try await client.get(url, headers: [("If-Modified-Since", lastModified)]),
            try await client.get(url, headers: [("If-None-Match", "\"other\""), ("If-Modified-Since", lastModified)]),
            try await client.get(url, headers: [("Range", "bytes=0-9")]),
            try await client.get(url, headers: [("Range", "bytes=-5")]),
            try await client.get(url, headers: [("Range", "bytes=100000-")]),
            try await client.get(url, headers: [("Range", "bytes=0-9"), ("If-Range", "\"other\"")]),
            try await client.get(url, headers: [("Range", "bytes=0-9"), ("If-Range", etag)]),
            try await client.request(url, method: .HEAD, headers: [("Range", "bytes=2-3")]),
        ]
    }

    static func checkAnswers(_ answers: [TestResponse], body: [UInt8], etag: String) {
        #expect(answers.map(\.status) == [200, 200, 304, 304, 200, 304, 200, 206, 206, 416, 200, 206, 206])
        #expect(answers[0].body == body)
        #expect(answers[1].body.isEmpty && answers[1].header("content-length") == String(body.count))
        #expect(answers[2].body.isEmpty && answers[2].header("etag") == etag)
        #expect(answers[7].body == Array(body[0..<10]) && answers[7].header("content-range") == "bytes 0-9/\(body.count)")
        #expect(answers[8].body == Array(body.suffix(5)))
        #expect(answers[9].header("content-range") == "bytes */\(body.count)" && answers[9].body.isEmpty)
        #expect(answers[10].body == body)
        #expect(answers[12].body.isEmpty && answers[12].header("content-length") == "2")
        for answer in answers {
            #expect(answer.header("access-control-allow-origin") == "*")
            #expect(answer.header("cache-control") == "public, max-age=31536000, immutable")
            #expect(answer.header("x-content-type-options") == "nosniff")
            #expect(answer.header("date") != nil)
        }
    }

    /// The same requests answered from memory (hot cache on: the first hit fills it) and from the
    /// store (after a restart with it off, on the same store): the same statuses, bodies and heads.
    @Test func everyHitBehaviourIsTheSameFromMemoryAndFromTheStore() async throws {
        try await CDNFixture.with(routes: Self.routes) { fixture in
            let miss = try await fixture.get(Self.small)
            #expect(miss.header("x-cache") == "MISS")
            let etag = try #require(miss.header("etag"))
            let lastModified = try #require(miss.header("last-modified"))
            let hot = try await Self.answers(fixture, Self.small, etag: etag, lastModified: lastModified)
            _ = try await fixture.get(Self.page)
            let hotPages = [try await fixture.get(Self.page), try await fixture.get(Self.page)]
            let metrics = try await fixture.get("/metrics").text
            #expect(Self.metric(metrics, "wharf_hot_cache_entries") == 2)
            // Every hit counts, whichever path answered it: the counters are folded on scrape.
            #expect(Self.metric(metrics, "wharf_cache_hits_total") == Double(hot.count + hotPages.count))
            #expect(Self.metric(metrics, "wharf_http_requests_total") == Double(2 + hot.count + hotPages.count))
            let bytes = ([miss] + hot + hotPages).map(\.body.count).reduce(0, +) + Self.html.count
            #expect(Self.metric(metrics, "wharf_bytes_served_total") == Double(bytes))

            try await fixture.restart { $0.hotCacheSize = 0 }
            let stored = try await Self.answers(fixture, Self.small, etag: etag, lastModified: lastModified)
            let storedPages = [try await fixture.get(Self.page), try await fixture.get(Self.page)]
            #expect(Self.metric(try await fixture.get("/metrics").text, "wharf_hot_cache_entries") == 0, "off")

            Self.checkAnswers(hot, body: CDNFixture.small, etag: etag)
            Self.checkAnswers(stored, body: CDNFixture.small, etag: etag)
            #expect(hot.map(Self.headers) == stored.map(Self.headers), "the same heads, Date aside")
            #expect((hot + stored).allSatisfy { $0.header("x-cache") == "HIT" })
            #expect(fixture.origin.count("/npm:fixture@1.0.0/small.js") == 1)
            // Active content keeps its sandbox on both paths.
            for page in hotPages + storedPages {
                #expect(page.body == Self.html)
                #expect(page.header("content-security-policy") == "sandbox")
                #expect(page.header("x-content-type-options") == "nosniff")
                #expect(page.header("content-type") == "text/html")
                #expect(Self.headers(page) == Self.headers(storedPages[0]))
            }
        }
    }

    /// Pipelined requests are answered in order, hot or not, and the connection stays open.
    @Test func pipelinedAndKeptAliveRequestsKeepTheirOrder() async throws {
        try await CDNFixture.with(routes: Self.routes) { fixture in
            _ = try await fixture.get(Self.small)
            _ = try await fixture.get(Self.small)  // now hot
            let connection = try RawConnection(port: fixture.wharf.port)
            let hot = "GET \(Self.small) HTTP/1.1\r\nHost: x\r\n\r\n"
            let routed = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            let withBody = "GET \(Self.small) HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            try connection.send(Array((hot + routed + hot + withBody + hot + "HEAD \(Self.small) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").utf8))
            let text = String(decoding: connection.receiveAll(), as: UTF8.self)
            let answers = text.components(separatedBy: "HTTP/1.1 ").dropFirst()
            #expect(answers.map { $0.prefix(3) } == ["200", "200", "200", "200", "200", "200"], "\(text)")
            let kinds = answers.map { $0.hasSuffix("ok\n") ? "routed" : $0.contains("\r\n\r\nexport const answer") ? "file" : "head" }
            #expect(kinds == ["file", "routed", "file", "file", "file", "head"], "in order: \(text)")

            // A hot HEAD, then routed requests on the same connection: the routed answers keep their bodies.
            let mixed = try RawConnection(port: fixture.wharf.port)
            try mixed.send(Array(("HEAD \(Self.small) HTTP/1.1\r\nHost: x\r\n\r\n" + routed + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").utf8))
            let mixedText = String(decoding: mixed.receiveAll(), as: UTF8.self)
            #expect(mixedText.components(separatedBy: "HTTP/1.1 200").count == 4 && mixedText.hasSuffix("ok\n"), "\(mixedText)")
            #expect(mixedText.components(separatedBy: "\r\n\r\nok\n").count == 3, "\(mixedText)")

            // A head split over several sends; then a request with a body, after which the decoder reads everything.
            let split = try RawConnection(port: fixture.wharf.port)
            for piece in ["GET \(Self.small) HT", "TP/1.1\r\nHo", "st: x\r\n", "\r\n"] {
                try split.send(Array(piece.utf8))
                try await Task.sleep(for: .milliseconds(20))
            }
            try split.send(Array(("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi" + hot + "GET \(Self.small) HTTP/1.1\nHost: x\nConnection: close\n\n").utf8))
            let splitText = String(decoding: split.receiveAll(), as: UTF8.self)
            let splitStatuses = splitText.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
            // The router's 404 for the POST; the bare-LF head is the decoder's to refuse, as without the hot path.
            #expect(splitStatuses == ["200", "404", "200", "400"], "\(splitText)")
            #expect(splitText.components(separatedBy: "\r\n\r\nexport const answer").count == 3, "\(splitText)")

            // Keep-alive: many requests on one connection, answered from memory.
            let again = try RawConnection(port: fixture.wharf.port)
            for _ in 0..<20 {
                try again.send(Array(hot.utf8))
                var received: [UInt8] = []
                while !String(decoding: received, as: UTF8.self).hasSuffix("\n//" + String(repeating: "x", count: 98) + "\n") {
                    let some = again.receiveSome()
                    #expect(!some.isEmpty)
                    if some.isEmpty { break }
                    received += some
                }
            }
        }
    }

    /// `/build/…?token=` purges a package: its files leave memory, and the next answer is the new one.
    @Test func aPurgeIsNeverFollowedByAStaleAnswer() async throws {
        let version = Version()
        try await CDNFixture.with(routes: Self.versioned(version), configure: { $0.rebuildToken = "t0k" }) { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture@1.0.0/index.js"
            for _ in 0..<3 { #expect(try await fixture.get(path).text == "export default 1;\n") }
            for next in 2...4 {
                version.value.store(next, ordering: .relaxed)
                #expect(try await fixture.get("/build/fixture@1.0.0?token=t0k").status == 200)
                for _ in 0..<3 {
                    let answer = try await fixture.get(path)
                    #expect(answer.text == "export default \(next);\n")
                    #expect(answer.header("etag") == Self.etag(answer.body))
                }
            }
        }
    }

    /// Hits and purges at once: every answer is whole (its ETag is its body's) and one of the
    /// versions; once the hits stopped and the last purge returned, only the last version is served.
    /// (A purge does not stop an upstream fetch already running, so while hits race the purges an
    /// older version may legitimately be stored again; that is the edge cache's rule, not memory's.)
    @Test func concurrentPurgesAndHitsNeverServeTornAnswers() async throws {
        let version = Version()
        try await CDNFixture.with(routes: Self.versioned(version), configure: { $0.rebuildToken = "t0k" }) { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture@1.0.0/index.js"
            let stop = Flag()
            let client = fixture.client, url = fixture.wharf.baseURL + path
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        while !stop.value.load(ordering: .relaxed) {
                            let answer = try await client.get(url)
                            #expect(answer.status == 200)
                            #expect(answer.header("etag") == Self.etag(answer.body), "a whole answer")
                            let served = Int(answer.text.dropFirst("export default ".count).dropLast(2)) ?? -1
                            #expect((1...8).contains(served), "\(answer.text)")
                        }
                    }
                }
                for next in 2...8 {
                    try await Task.sleep(for: .milliseconds(30))
                    version.value.store(next, ordering: .relaxed)
                    #expect(try await fixture.get("/build/fixture@1.0.0?token=t0k").status == 200)
                }
                try await Task.sleep(for: .milliseconds(30))
                stop.value.store(true, ordering: .relaxed)
                try await group.waitForAll()
            }
            // Let the last build's prefetch finish, then one more purge with nothing running.
            try await Task.sleep(for: .milliseconds(300))
            version.value.store(9, ordering: .relaxed)
            #expect(try await fixture.get("/build/fixture@1.0.0?token=t0k").status == 200)
            for _ in 0..<3 { #expect(try await fixture.get(path).text == "export default 9;\n") }
        }
    }

    /// After a restart memory is empty: the first hits come from the store, then from memory again.
    @Test func aRestartServesFromTheStoreThenFromMemory() async throws {
        try await CDNFixture.with(routes: Self.routes) { fixture in
            _ = try await fixture.get(Self.small)
            let before = try await fixture.get(Self.small)
            try await fixture.restart()
            let metrics = try await fixture.get("/metrics").text
            #expect(Self.metric(metrics, "wharf_hot_cache_entries") == 0)
            let fromStore = try await fixture.get(Self.small)
            let fromMemory = try await fixture.get(Self.small)
            #expect(Self.metric(try await fixture.get("/metrics").text, "wharf_hot_cache_entries") == 1)
            for answer in [fromStore, fromMemory] {
                #expect(answer.body == CDNFixture.small)
                #expect(Self.headers(answer) == Self.headers(before))
            }
            #expect(fixture.origin.count("/npm:fixture@1.0.0/small.js") == 1)
        }
    }

    /// A full hot cache evicts and stays in its bound; what it no longer holds comes from the store.
    @Test func aFullHotCacheStaysInItsBound() async throws {
        let bound = 100_000
        try await CDNFixture.with(routes: Self.routes, configure: { $0.hotCacheSize = bound }) { fixture in
            for round in 0..<2 {
                for i in 0..<40 {
                    let path = "/cdn/ga.jspm.io/npm:fixture@1.0.0/f\(i).js"
                    for _ in 0..<(round == 0 ? 3 : 1) {
                        let answer = try await fixture.get(path)
                        #expect(answer.status == 200)
                        #expect(answer.body == Self.file(i))
                    }
                    let metrics = try await fixture.get("/metrics").text
                    let held = try #require(Self.metric(metrics, "wharf_hot_cache_bytes"))
                    #expect(held <= Double(bound))
                }
            }
            let metrics = try await fixture.get("/metrics").text
            #expect((Self.metric(metrics, "wharf_hot_cache_entries") ?? 0) > 0)
            for i in 0..<40 { #expect(fixture.origin.count("/npm:fixture@1.0.0/f\(i).js") == 1) }
        }
    }

    /// Published files take the same hot path: a server with the hot cache and one without answer
    /// the same (text as UTF-8, immutable, CORS, ETag, 304, ranges, HEAD).
    @Test func publishedFilesAreAnsweredAlikeFromMemoryAndFromTheStore() async throws {
        var answers: [[TestResponse]] = []
        for size in [64 << 20, 0] {
            try await EikFixture.with(configure: { $0.hotCacheSize = size }) { eik in
                let token = try await eik.login()
                #expect(try await eik.publish("/pkg/hot/1.0.0", archive: EikFixture.package("7"), token: token).status == 303)
                let path = "/pkg/hot/1.0.0/main/index.js"
                let first = try await eik.get(path)
                let etag = try #require(first.header("etag"))
                var got = [first]
                for _ in 0..<2 {
                    got.append(try await eik.get(path))
                    got.append(try await eik.client.request(eik.base + path, method: .HEAD))
                    got.append(try await eik.get(path, headers: [("If-None-Match", etag)]))
                    got.append(try await eik.get(path, headers: [("Range", "bytes=7-12")]))
                    got.append(try await eik.get(path, headers: [("Range", "bytes=99-")]))
                }
                let metrics = try await eik.get("/metrics").text
                #expect(Self.metric(metrics, "wharf_hot_cache_entries") == (size > 0 ? 1 : 0))
                #expect(Self.metric(metrics, "wharf_cache_hits_total") == 0, "published files are no edge-cache hits")
                answers.append(got)
            }
        }
        let (hot, stored) = (answers[0], answers[1])
        #expect(hot.map(\.status) == [200] + Array(repeating: [200, 200, 304, 206, 416], count: 2).flatMap { $0 })
        #expect(hot.map(\.status) == stored.map(\.status))
        #expect(hot.map(\.body) == stored.map(\.body))
        #expect(hot.map(Self.headers) == stored.map(Self.headers))
        #expect(hot[0].text == "export const version = '7';\n")
        #expect(hot[0].header("content-type") == "text/javascript; charset=utf-8" || hot[0].header("content-type")?.hasSuffix("charset=utf-8") == true)
        #expect(hot[4].text == "const ")
    }

    /// The bound, recency, generations and prefix invalidation of the cache itself.
    @Test func theCacheNeverHoldsMoreThanItsBound() {
        let cache = HotCache(capacity: 50_000)
        let answer = FileAnswer(base: [.cacheControl: FileAnswer.immutable], contentType: "text/javascript", etag: "\"e\"", size: 0)
        func entry(_ i: Int, size: Int) -> HotEntry {
            HotEntry(target: "/f\(i)", purgeKey: "h/p\(i % 3)/f\(i)", answer: answer, body: ByteBuffer(repeating: 0, count: size), isEdgeCacheHit: true)
        }
        for i in 0..<500 {
            cache.insert(entry(i, size: (i * 7919) % 12_000), generation: cache.generation)
            #expect(cache.usage.bytes <= cache.capacity)
        }
        cache.insert(entry(1000, size: 20_000), generation: cache.generation)
        #expect(cache.lookup("/f1000") == nil, "larger than a quarter of the bound")
        let generation = cache.generation
        cache.insert(entry(2000, size: 10), generation: generation)
        #expect(cache.lookup("/f2000") != nil)
        cache.invalidate(prefix: "h/p")
        #expect(cache.usage.entries == 0 && cache.usage.bytes == 0)
        cache.insert(entry(2001, size: 10), generation: generation)
        #expect(cache.lookup("/f2001") == nil, "a fill that read the store before a purge is refused")
        cache.insert(entry(2002, size: 10), generation: cache.generation)
        cache.insert(entry(2003, size: 10), generation: cache.generation)
        cache.invalidate(prefix: "h/p\(2002 % 3)/")
        #expect(cache.lookup("/f2002") == nil && cache.lookup("/f2003") != nil)
        let off = HotCache(capacity: 0)
        off.insert(entry(1, size: 10), generation: off.generation)
        #expect(off.lookup("/f1") == nil && off.usage.entries == 0)
    }

    /// The package origin, with fixture@1.0.0/index.js answering `export default {version};`
    /// (an exact version whose bytes change only for the purge tests' sake).
    final class Version: Sendable {
        let value = Atomic<Int>(1)
    }

    final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    static func versioned(_ version: Version) -> [String: TestOrigin.Handler] {
        var routes = PackageOrigin.routes
        routes["/npm:fixture@1.0.0/index.js"] = { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript", .cacheControl: "public, max-age=31536000, immutable"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: "export default \(version.value.load(ordering: .relaxed));\n")))
        }
        return routes
    }

    static func etag(_ body: [UInt8]) -> String {
        "\"" + SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined() + "\""
    }
}
