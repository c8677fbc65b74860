import EdgeCache
import Foundation
import Hummingbird
import Synchronization
@testable import Tarball
import Testing
import WharfServer
import WharfTestSupport

/// `GET/HEAD /cdn/{host}/{path…}` end to end: a real origin on 127.0.0.1, Wharf in front of it.
@Suite struct EdgeCacheRouteTests {
    @Test func missThenHitServesTheSameBytesWithOneOriginRequest() async throws {
        try await CDNFixture.with { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js"

            let miss = try await fixture.get(path)
            #expect(miss.status == 200)
            #expect(miss.body == CDNFixture.small)
            #expect(miss.header("x-cache") == "MISS")
            let hit = try await fixture.get(path)
            #expect(hit.status == 200)
            #expect(hit.body == CDNFixture.small)
            #expect(hit.header("x-cache") == "HIT")
            #expect(fixture.origin.count("/npm:fixture@1.0.0/small.js") == 1)

            #expect(hit.header("content-type") == "application/javascript; charset=utf-8")
            #expect(hit.header("content-length") == "127")
            #expect(hit.header("access-control-allow-origin") == "*")
            #expect(hit.header("cache-control") == "public, max-age=31536000, immutable")
            let etag = try #require(hit.header("etag"))
            #expect(etag.hasPrefix("\"") && etag.count == 66)
            // A module is complete before its first answer (it may need relinking), so even the miss has its ETag.
            #expect(miss.header("etag") == etag)
            #expect(miss.header("last-modified") != nil && miss.header("last-modified") == hit.header("last-modified"))

            let head = try await fixture.client.request(fixture.wharf.baseURL + path, method: .HEAD)
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.header("content-length") == "127")
            #expect(head.header("etag") == etag)

            let notModified = try await fixture.get(path, headers: [("If-None-Match", "\"other\", \(etag)")])
            #expect(notModified.status == 304)
            #expect(notModified.body.isEmpty)
            #expect(notModified.header("etag") == etag)
            #expect(try await fixture.get(path, headers: [("If-None-Match", "*")]).status == 304)
            #expect(try await fixture.get(path, headers: [("If-None-Match", "\"other\"")]).status == 200)
        }
    }

    /// A page that loads a file twice in quick succession: every 200, the streamed first one and
    /// the one joined to it included, carries a validator that a later conditional request honours.
    @Test func everyAnswerOfACacheableFileCarriesAValidator() async throws {
        try await CDNFixture.with { fixture in
            let url = fixture.wharf.baseURL + "/cdn/ga.jspm.io/npm:fixture@1.0.0/slow.bin"
            let client = fixture.client
            async let first = client.get(url)
            try await Task.sleep(for: .milliseconds(30))
            async let second = client.get(url)
            let answers = try await [first, second]
            #expect(answers.map(\.status) == [200, 200])
            #expect(Set(answers.compactMap { $0.header("x-cache") }).isSubset(of: ["MISS", "MISS-SHARED", "HIT"]))
            #expect(answers[0].header("x-cache") == "MISS", "the first answer is streamed")
            for answer in answers {
                let modified = try #require(answer.header("last-modified"), "every 200 has a validator")
                #expect(HTTPDate.parse(modified) != nil)
                let again = try await client.get(url, headers: [("If-Modified-Since", modified)])
                #expect(again.status == 304)
                #expect(again.body.isEmpty)
            }
            #expect(fixture.origin.count("/npm:fixture@1.0.0/slow.bin") == 1)
            let earlier = HTTPDate.format(Date().timeIntervalSince1970 - 86400 * 365)
            #expect(try await client.get(url, headers: [("If-Modified-Since", earlier)]).status == 200)
            #expect(try await client.get(url, headers: [("If-Modified-Since", "yesterday")]).status == 200, "an unreadable date is ignored")
            let etag = try #require(try await client.get(url).header("etag"))
            #expect(try await client.get(url, headers: [("If-None-Match", "\"other\""), ("If-Modified-Since", answers[0].header("last-modified")!)]).status == 200,
                    "If-None-Match decides when both are sent")
            #expect(try await client.get(url, headers: [("If-None-Match", etag)]).status == 304)
        }
    }

    /// Without a network, each miss used to wait the whole timeout. After `max_fails` attempts
    /// without an answer the upstream is down: stale copies and 502s come at once, and a probe
    /// brings it back when it answers again.
    @Test func anUpstreamThatStopsAnsweringIsMarkedDownAndProbed() async throws {
        let hanging = Atomic<Bool>(false)
        let hang: TestOrigin.Handler = { _, _ in
            while hanging.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(20)) }
            return Response(status: .ok, headers: [.contentType: "text/javascript"], body: ResponseBody(byteBuffer: ByteBuffer(string: "export default 1;\n")))
        }
        var routes = CDNFixture.routes
        for path in ["/", "/npm:fixture@1.0.0/a.js", "/npm:fixture@1.0.0/b.js", "/npm:fixture@1.0.0/c.js"] { routes[path] = hang }
        try await CDNFixture.with(routes: routes, configure: { configuration in
            configuration.cache.readTimeout = .seconds(1)
            configuration.cache.health = UpstreamHealthPolicy(maxFails: 2, failTimeout: .seconds(60), probeInterval: .milliseconds(100))
        }) { fixture in
            let mutable = "/cdn/ga.jspm.io/npm:fixture/index.js"
            #expect(try await fixture.get(mutable).status == 200)
            hanging.store(true, ordering: .relaxed)
            #expect(try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/a.js").status == 502)
            #expect(try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/b.js").status == 502)

            // Down now: nothing more is sent to it.
            let refused = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/c.js")
            #expect(refused.status == 502)
            #expect((refused.json?["error"] as? String)?.contains("ga.jspm.io is down") == true, "\(refused.text)")
            #expect(fixture.origin.count("/npm:fixture@1.0.0/c.js") == 0)
            let indexRequests = fixture.origin.count("/npm:fixture/index.js")
            let stale = try await fixture.get(mutable)
            #expect(stale.status == 200)
            #expect(stale.header("x-cache") == "STALE")
            #expect(fixture.origin.count("/npm:fixture/index.js") == indexRequests)
            #expect(try await fixture.get("/metrics").text.contains(#"wharf_upstream_up{host="ga.jspm.io"} 0"#))

            hanging.store(false, ordering: .relaxed)
            var metrics = ""
            for _ in 0..<200 where !metrics.contains(#"wharf_upstream_up{host="ga.jspm.io"} 1"#) {
                try await Task.sleep(for: .milliseconds(50))
                metrics = try await fixture.get("/metrics").text
            }
            #expect(metrics.contains(#"wharf_upstream_up{host="ga.jspm.io"} 1"#), "the probe saw it answer")
            #expect(try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/c.js").status == 200)
            #expect(fixture.origin.count("/npm:fixture@1.0.0/c.js") == 1)
        }
    }

    /// An upstream may encode its answer although Wharf asked for `identity`: the decoded bytes are
    /// stored and served (never gzip under a JavaScript type); a coding Wharf cannot decode is a 502.
    @Test func encodedUpstreamBodiesAreStoredDecodedOrRefused() async throws {
        let module = Array(String(repeating: "export const answer = 42;\n", count: 400).utf8)
        let gzipped = GzipDeflater.compress(module)
        let binary = TestOrigin.pattern(offset: 0, count: 3 << 20)
        func encoded(_ body: [UInt8], _ coding: String, type: String = "text/javascript") -> TestOrigin.Handler {
            { _, _ in
                Response(status: .ok, headers: [.contentType: type, .contentEncoding: coding, .cacheControl: "public, max-age=31536000, immutable"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
            }
        }
        var routes = CDNFixture.routes
        routes["/npm:fixture@1.0.0/gz.js"] = encoded(gzipped, "gzip")
        routes["/npm:fixture@1.0.0/gz.bin"] = encoded(GzipDeflater.compress(binary), "gzip", type: "application/octet-stream")
        routes["/npm:fixture@1.0.0/br.js"] = encoded(Array(gzipped.reversed()), "br")
        routes["/npm:fixture@1.0.0/broken.js"] = encoded(Array(gzipped.prefix(40)), "gzip")
        try await CDNFixture.with(routes: routes) { fixture in
            for _ in 0..<2 {
                let js = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/gz.js")
                #expect(js.status == 200)
                #expect(js.body == module)
                #expect(js.header("content-encoding") == nil)
                #expect(js.header("content-length") == String(module.count))
                let bin = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/gz.bin")
                #expect(bin.body == binary)
                #expect(bin.header("content-length") == nil || bin.header("content-length") == String(binary.count))
            }
            #expect(fixture.origin.count("/npm:fixture@1.0.0/gz.js") == 1, "stored once, decoded")
            for path in ["br.js", "broken.js"] {
                let refused = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/" + path)
                #expect(refused.status == 502, "\(path)")
                #expect((refused.json?["error"] as? String)?.contains(path == "br.js" ? "Content-Encoding: br" : "cannot be decoded") == true, "\(refused.text)")
                #expect(try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/" + path).status == 502)
                #expect(fixture.origin.count("/npm:fixture@1.0.0/" + path) == 2, "nothing was stored")
            }
        }
    }

    /// HTML and SVG from an upstream must not run script on Wharf's origin (whose `/auth` page asks
    /// for a user's key): they are sandboxed; nothing is type-sniffed.
    @Test func upstreamHTMLAndSVGAreSandboxed() async throws {
        var routes = CDNFixture.routes
        routes["/npm:fixture@1.0.0/page.html"] = TestOrigin.file(Array("<script>alert(document.cookie)</script>".utf8), contentType: "text/html; charset=utf-8")
        routes["/npm:fixture@1.0.0/icon.svg"] = TestOrigin.file(Array("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".utf8), contentType: "image/svg+xml")
        try await CDNFixture.with(routes: routes) { fixture in
            for _ in 0..<2 {
                for file in ["page.html", "icon.svg"] {
                    let answer = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/" + file)
                    #expect(answer.status == 200)
                    #expect(answer.header("content-security-policy") == "sandbox", "\(file)")
                    #expect(answer.header("x-content-type-options") == "nosniff", "\(file)")
                }
            }
            let module = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js")
            #expect(module.header("content-security-policy") == nil, "modules load as they are")
            #expect(module.header("x-content-type-options") == "nosniff")
        }
    }

    /// Upstreams that drip, stall or take too long: every waiter gets an error, nothing is stored,
    /// and the next request fetches again.
    @Test func slowStalledAndEndlessUpstreamBodiesAreAbandoned() async throws {
        func drip(every pause: Duration, bytes: Int, count: Int) -> TestOrigin.Handler {
            { _, _ in
                Response(status: .ok, headers: [.contentType: "text/javascript"], body: ResponseBody { writer in
                    for _ in 0..<count {
                        try await writer.write(ByteBuffer(bytes: [UInt8](repeating: 0x20, count: bytes)))
                        try await Task.sleep(for: pause)
                    }
                    try await writer.finish(nil)
                })
            }
        }
        var routes = CDNFixture.routes
        routes["/npm:fixture@1.0.0/drip.js"] = drip(every: .milliseconds(100), bytes: 1, count: 600)
        routes["/npm:fixture@1.0.0/stall.js"] = drip(every: .seconds(60), bytes: 100, count: 2)
        routes["/npm:fixture@1.0.0/endless.js"] = drip(every: .milliseconds(50), bytes: 4096, count: 2000)
        try await CDNFixture.with(routes: routes, configure: { configuration in
            configuration.cache.readTimeout = .seconds(1)
            configuration.cache.pace = TransferPacePolicy(minimumBytes: 1000, window: .seconds(1), deadline: .seconds(3))
        }) { fixture in
            let client = fixture.client, base = fixture.wharf.baseURL + "/cdn/ga.jspm.io/npm:fixture@1.0.0/"
            for (file, why) in [("drip.js", "under min_rate"), ("stall.js", "failed"), ("endless.js", "fetch_deadline")] {
                async let first = client.get(base + file)
                async let joined = client.get(base + file)
                for answer in try await [first, joined] {
                    #expect(answer.status == 502, "\(file)")
                    #expect((answer.json?["error"] as? String)?.contains(why) == true, "\(file): \(answer.text)")
                }
                #expect(fixture.origin.count("/npm:fixture@1.0.0/" + file) == 1, "\(file): one fetch for both")
            }
            _ = try await client.get(base + "drip.js")
            #expect(fixture.origin.count("/npm:fixture@1.0.0/drip.js") == 2, "nothing was stored: fetched again")
            #expect(try await fixture.get("/healthz").status == 200)
        }
    }

    /// Client connections have deadlines: a head must be complete `header_timeout` after the
    /// connection opened or the request's first byte came (silent sockets, slowloris), and a
    /// keep-alive connection is closed after `idle_timeout` without a request.
    @Test func silentSlowAndIdleClientConnectionsAreClosed() async throws {
        try await CDNFixture.with(configure: { configuration in
            configuration.headerTimeout = .milliseconds(500)
            configuration.idleTimeout = .seconds(3)
        }) { fixture in
            let port = try #require(URL(string: fixture.wharf.baseURL)?.port)
            let silent = try (0..<20).map { _ in try RawConnection(port: port) }
            for connection in silent { #expect(connection.waitForClose(), "a connection that never sends a head") }

            let slow = try RawConnection(port: port)
            try slow.send(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8))
            for _ in 0..<30 {
                try await Task.sleep(for: .milliseconds(100))
                guard (try? slow.send([UInt8(ascii: "a")])) != nil else { break }
            }
            #expect(slow.waitForClose(), "a head sent a byte at a time")

            let keepAlive = try RawConnection(port: port)
            let request = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
            try keepAlive.send(request)
            #expect(String(decoding: keepAlive.receiveSome(), as: UTF8.self).hasPrefix("HTTP/1.1 200"))
            try await Task.sleep(for: .seconds(1))
            try keepAlive.send(request)
            #expect(String(decoding: keepAlive.receiveSome(), as: UTF8.self).hasPrefix("HTTP/1.1 200"), "idle between requests is not a slow head")
            #expect(keepAlive.waitForClose(), "closed after idle_timeout")

            #expect(try await fixture.get("/healthz").status == 200, "and the server goes on serving")
        }
    }

    @Test func contentTypeComesFromTheExtensionWhenTheUpstreamGivesNone() async throws {
        try await CDNFixture.with { fixture in
            let css = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/style.css")
            #expect(css.status == 200)
            #expect(css.header("content-type")?.hasPrefix("text/css") == true)
        }
    }

    @Test func rangesAreServedFromCachedFiles() async throws {
        try await CDNFixture.with { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture@1.0.0/big.bin"
            let size = 3 << 20
            let full = try await fixture.get(path)
            #expect(full.body == TestOrigin.pattern(offset: 0, count: size))

            let first = try await fixture.get(path, headers: [("Range", "bytes=10-19")])
            #expect(first.status == 206)
            #expect(first.header("content-range") == "bytes 10-19/\(size)")
            #expect(first.body == TestOrigin.pattern(offset: 10, count: 10))

            // Across the store's 1 MiB chunk boundary.
            let across = try await fixture.get(path, headers: [("Range", "bytes=1048570-1048589")])
            #expect(across.status == 206)
            #expect(across.body == TestOrigin.pattern(offset: 1_048_570, count: 20))

            let suffix = try await fixture.get(path, headers: [("Range", "bytes=-5")])
            #expect(suffix.body == TestOrigin.pattern(offset: size - 5, count: 5))
            #expect(suffix.header("content-length") == "5")

            let open = try await fixture.get(path, headers: [("Range", "bytes=\(size - 3)-")])
            #expect(open.body == TestOrigin.pattern(offset: size - 3, count: 3))

            // Numbers at Int's edge: `end + 1` overflowed; past Int.max the range is ignored.
            let toTheEdge = try await fixture.get(path, headers: [("Range", "bytes=\(size - 2)-9223372036854775807")])
            #expect(toTheEdge.status == 206)
            #expect(toTheEdge.body == TestOrigin.pattern(offset: size - 2, count: 2))
            #expect(try await fixture.get(path, headers: [("Range", "bytes=0-99999999999999999999")]).status == 200)
            #expect(try await fixture.get(path, headers: [("Range", "bytes=-9223372036854775807")]).status == 206)

            let unsatisfiable = try await fixture.get(path, headers: [("Range", "bytes=\(size)-")])
            #expect(unsatisfiable.status == 416)
            #expect(unsatisfiable.header("content-range") == "bytes */\(size)")

            let staleValidator = try await fixture.get(path, headers: [("Range", "bytes=0-9"), ("If-Range", "\"old\"")])
            #expect(staleValidator.status == 200)
            #expect(staleValidator.body.count == size)
            #expect(fixture.origin.count("/npm:fixture@1.0.0/big.bin") == 1)
        }
    }

    @Test func concurrentMissesMakeOneUpstreamRequest() async throws {
        try await CDNFixture.with { fixture in
            let url = fixture.wharf.baseURL + "/cdn/ga.jspm.io/npm:fixture@1.0.0/slow.js"
            let expected = TestOrigin.pattern(offset: 0, count: 512 << 10)
            let client = fixture.client
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<100 { group.addTask { try await client.get(url) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.count == 100)
            #expect(responses.allSatisfy { $0.status == 200 && $0.body == expected })
            #expect(fixture.origin.count("/npm:fixture@1.0.0/slow.js") == 1)
            let sources = Set(responses.compactMap { $0.header("x-cache") })
            #expect(sources.isSubset(of: ["MISS", "MISS-SHARED", "HIT"]))
            #expect(responses.filter { $0.header("x-cache") == "MISS" }.count == 1)
        }
    }

    @Test func aBodyCutMidwayIsNeverServedFromTheCache() async throws {
        try await CDNFixture.with { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture@1.0.0/cut.js"
            do {
                let cut = try await fixture.get(path)
                #expect(cut.body.count < 100_000, "a cut download must not look complete")
            } catch {
                // The connection was dropped: what a client must see when the upstream broke off.
            }
            let retry = try await fixture.get(path)
            #expect(retry.status == 200)
            #expect(retry.body == TestOrigin.pattern(offset: 0, count: 100_000))
            #expect(fixture.origin.count("/npm:fixture@1.0.0/cut.js") == 2)
            let hit = try await fixture.get(path)
            #expect(hit.header("x-cache") == "HIT")
            #expect(hit.body.count == 100_000)
        }
    }

    @Test func aBodyWithoutContentLengthIsCachedWhole() async throws {
        try await CDNFixture.with { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture@1.0.0/chunked.js"
            let miss = try await fixture.get(path)
            #expect(miss.text == "// part 0\n// part 1\n// part 2\n// part 3\n")
            let hit = try await fixture.get(path)
            #expect(hit.header("x-cache") == "HIT")
            #expect(hit.body == miss.body)
            #expect(hit.header("content-length") == String(miss.body.count))
        }
    }

    @Test func offlineServesTheCacheAndAnswers504ForTheRest() async throws {
        try await CDNFixture.with { fixture in
            _ = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js")
            _ = try await fixture.get("/cdn/ga.jspm.io/npm:fixture/index.js")
            try await fixture.restart { $0.offline = true }

            let hit = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js")
            #expect(hit.status == 200)
            #expect(hit.body == CDNFixture.small)
            // A mutable entry past its freshness is still served offline, from the copy.
            let mutable = try await fixture.get("/cdn/ga.jspm.io/npm:fixture/index.js")
            #expect(mutable.status == 200)
            #expect(mutable.body == CDNFixture.mutableV1)

            let miss = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/big.bin")
            #expect(miss.status == 504)
            let message = try #require(miss.json?["error"] as? String)
            #expect(message.contains("https://ga.jspm.io/npm:fixture@1.0.0/big.bin"))
            #expect(miss.header("cache-control") == "no-store")
            #expect(fixture.origin.count("/npm:fixture@1.0.0/big.bin") == 0)
            #expect(fixture.origin.count("/npm:fixture@1.0.0/small.js") == 1)
            #expect(fixture.origin.count("/npm:fixture/index.js") == 1)
        }
    }

    @Test func theCacheSurvivesARestart() async throws {
        try await CDNFixture.with { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture@1.0.0/big.bin"
            let before = try await fixture.get(path)
            try await fixture.restart()
            let after = try await fixture.get(path)
            #expect(after.header("x-cache") == "HIT")
            #expect(after.body == before.body)
            #expect(fixture.origin.count("/npm:fixture@1.0.0/big.bin") == 1)
        }
    }

    @Test func mutableURLsAreRevalidatedWithTheUpstreamValidator() async throws {
        try await CDNFixture.with { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture/index.js"
            let first = try await fixture.get(path)
            #expect(first.header("x-cache") == "MISS")
            #expect(first.header("cache-control") == "public, max-age=0")
            let second = try await fixture.get(path)
            #expect(second.status == 200)
            #expect(second.header("x-cache") == "REVALIDATED")
            #expect(second.body == CDNFixture.mutableV1)
            #expect(fixture.origin.headers("/npm:fixture/index.js")?[.ifNoneMatch] == "\"v1\"")
            #expect(fixture.origin.count("/npm:fixture/index.js") == 2)
        }
    }

    @Test func freshMutableEntriesAreNotRevalidated() async throws {
        try await CDNFixture.with(configure: { $0.cache.freshness.minimumLifetime = .seconds(3600) }) { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture/index.js"
            _ = try await fixture.get(path)
            let second = try await fixture.get(path)
            #expect(second.header("x-cache") == "HIT")
            let maxAge = second.header("cache-control").flatMap { Int($0.split(separator: "=").last ?? "") } ?? -1
            #expect(maxAge > 3500 && maxAge <= 3600)
            #expect(fixture.origin.count("/npm:fixture/index.js") == 1)
        }
    }

    @Test func staleCopiesAreServedWhenTheOriginFailsOrIsDown() async throws {
        try await CDNFixture.with(configure: { $0.cache.connectTimeout = .seconds(2) }) { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture/index.js"
            _ = try await fixture.get(path)

            fixture.origin.fail(with: .internalServerError)
            let stale = try await fixture.get(path)
            #expect(stale.status == 200)
            #expect(stale.header("x-cache") == "STALE")
            #expect(stale.body == CDNFixture.mutableV1)
            let uncached = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js")
            #expect(uncached.status == 502)
            #expect(uncached.json?["error"] is String)
            #expect(try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js").status == 502, "failures are not cached")

            fixture.origin.fail(with: nil)
            await fixture.originServer.stop()
            let down = try await fixture.get(path)
            #expect(down.status == 200)
            #expect(down.header("x-cache") == "STALE")
            let missDown = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/big.bin")
            #expect(missDown.status == 502)
            #expect((missDown.json?["error"] as? String)?.contains("ga.jspm.io") == true)
        }
    }

    @Test func upstream404sAreCachedBriefly() async throws {
        try await CDNFixture.with(configure: { $0.cache.freshness.negativeLifetime = .seconds(3600) }) { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture@1.0.0/missing.js"
            let first = try await fixture.get(path)
            #expect(first.status == 404)
            #expect(first.json?["error"] is String)
            let second = try await fixture.get(path)
            #expect(second.status == 404)
            #expect(second.header("x-cache") == "HIT")
            #expect(fixture.origin.count("/npm:fixture@1.0.0/missing.js") == 1)
        }
    }

    @Test func hostsOutsideTheAllowlistAreNeverFetched() async throws {
        try await CDNFixture.with { fixture in
            for path in ["/cdn/evil.example/x.js", "/cdn/127.0.0.1/npm:fixture@1.0.0/small.js", "/cdn/localhost:\(fixture.originServer.port)/npm:fixture@1.0.0/small.js"] {
                let response = try await fixture.get(path)
                #expect(response.status == 404, "\(path)")
                #expect((response.json?["error"] as? String)?.contains("allowlist") == true)
                #expect(response.header("content-type")?.hasPrefix("application/json") == true)
            }
            #expect(fixture.origin.count("/npm:fixture@1.0.0/small.js") == 0)
            #expect(fixture.origin.count("/x.js") == 0)
        }
    }

    @Test func traversalAndEncodingTricksAreRefusedWith400() async throws {
        try await CDNFixture.with { fixture in
            let targets = [
                "/cdn/ga.jspm.io/../../etc/passwd",
                "/cdn/ga.jspm.io/npm:fixture@1.0.0/../x.js",
                "/cdn/ga.jspm.io/./npm:fixture@1.0.0/small.js",
                "/cdn/ga.jspm.io/npm:fixture@1.0.0/%2e%2e/x.js",
                "/cdn/ga.jspm.io/npm:fixture@1.0.0%2f..%2fsmall.js",
                "/cdn/ga.jspm.io/npm:fixture@1.0.0%2Fsmall.js",
                "/cdn/ga.jspm.io/npm:fixture@1.0.0%5csmall.js",
                "/cdn/ga.jspm.io//evil.example/x.js",
                "/cdn/ga.jspm.io/npm:fixture@1.0.0//small.js",
                "/cdn/ga.jspm.io/https://evil.example/x.js",
                "/cdn/ga.jspm.io/%252e%252e/x.js",
                "/cdn/ga.jspm.io/x%00.js",
                "/cdn/ga.jspm.io/x%0d%0aSet-Cookie:%20a=b",
                "/cdn/ga.jspm.io/%zz",
            ]
            for target in targets {
                let status = try rawRequestStatus(port: fixture.wharf.port, target: target)
                #expect(status == 400, "\(target)")
            }
            #expect(fixture.origin.count("/npm:fixture@1.0.0/small.js") == 0)
        }
    }

    @Test func redirectsAreCachedAndPointBackAtWharf() async throws {
        try await CDNFixture.with { fixture in
            let first = try await fixture.get("/cdn/unpkg.com/fixture")
            #expect(first.status == 302)
            #expect(first.header("location") == "http://wharf.test/cdn/unpkg.com/fixture@1.0.0/index.js")
            let second = try await fixture.get("/cdn/unpkg.com/fixture")
            #expect(second.header("location") == first.header("location"))
            #expect(fixture.origin.count("/fixture") == 1)

            let cross = try await fixture.get("/cdn/unpkg.com/cross")
            #expect(cross.status == 302)
            #expect(cross.header("location") == "http://wharf.test/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js")

            let offsite = try await fixture.get("/cdn/unpkg.com/offsite")
            #expect(offsite.status == 502)
            #expect((offsite.json?["error"] as? String)?.contains("evil.example") == true)
            #expect(offsite.header("location") == nil)

            // An allowlisted host but a path Wharf refuses: the upstream's fault, so 502 (it was 400).
            let badPath = try await fixture.get("/cdn/unpkg.com/dotdot")
            #expect(badPath.status == 502, "\(badPath.text)")
            #expect((badPath.json?["error"] as? String)?.contains("which Wharf refuses") == true)
        }
    }

    @Test func objectsOverTheLimitAreRefusedAndNotCached() async throws {
        try await CDNFixture.with(configure: { $0.cache.maxObjectSize = 1 << 20 }) { fixture in
            let path = "/cdn/ga.jspm.io/npm:fixture@1.0.0/big.bin"
            let refused = try await fixture.get(path)
            #expect(refused.status == 502)
            #expect((refused.json?["error"] as? String)?.contains("max_object_size") == true)
            _ = try await fixture.get(path)
            #expect(fixture.origin.count("/npm:fixture@1.0.0/big.bin") == 2)
            #expect(try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js").status == 200)
        }
    }

    @Test func theStoreGrowsOnItsOwnFromATinyMap() async throws {
        try await CDNFixture.with(configure: { $0.store.mapSize = 1 << 20 }) { fixture in
            for name in ["big.bin", "slow.js", "small.js"] {
                let response = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/\(name)")
                #expect(response.status == 200, "\(name)")
            }
            let again = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/big.bin")
            #expect(again.header("x-cache") == "HIT")
            #expect(again.body == TestOrigin.pattern(offset: 0, count: 3 << 20))
            let metrics = try await fixture.get("/metrics").text
            let mapLine = try #require(metrics.split(separator: "\n").first { $0.hasPrefix("wharf_store_map_bytes ") })
            #expect((Double(mapLine.split(separator: " ")[1]) ?? 0) >= Double(4 << 20))
        }
    }

    @Test func otherMethodsAndUnknownRoutesGetJSONErrors() async throws {
        try await CDNFixture.with { fixture in
            let post = try await fixture.client.request(fixture.wharf.baseURL + "/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js", method: .POST, body: [1])
            #expect(post.status == 405)
            #expect(post.header("allow") == "GET, HEAD")
            let unknown = try await fixture.get("/nothing/here")
            #expect(unknown.status == 404)
            #expect(unknown.json?["error"] is String)
        }
    }

    @Test func healthAndMetricsReportTheCache() async throws {
        try await CDNFixture.with { fixture in
            let health = try await fixture.get("/healthz")
            #expect(health.status == 200)
            let path = "/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js"
            _ = try await fixture.get(path)
            _ = try await fixture.get(path)
            let text = try await fixture.get("/metrics").text
            func value(_ name: String) -> Double? {
                text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
            }
            #expect(value("wharf_cache_hits_total") == 1)
            #expect(value("wharf_cache_misses_total") == 1)
            #expect((value("wharf_bytes_served_total") ?? 0) >= 254)
            #expect(value("wharf_cache_entries") == 1)
            #expect(text.contains("wharf_upstream_latency_seconds_bucket"))
            #expect(text.contains("wharf_cache_coalesced_waits_total"))
        }
    }
}
