import Foundation
import Testing
@testable import WharfServer
import WharfTestSupport

/// `/cdn/` requests the hot cache lacks, looked up by the hot path on the event loop
/// (`CDNHotLookup`): what it answers itself is what the routes would answer, and what it hands on
/// is answered from its outcome, never fetched twice.
@Suite struct CDNHotLookupTests {
    static let small = "/cdn/ga.jspm.io/npm:fixture@1.0.0/small.js"

    /// Every header field, sorted; `Date` and `Last-Modified` (the fetch's time) by name only.
    static func headers(_ response: TestResponse) -> [String] {
        response.headers.map { field in
            let name = field.name.lowercased()
            return name == "date" || name == "last-modified" ? name : "\(name): \(field.value)"
        }.sorted()
    }

    @Test func aColdMissAnsweredOnTheEventLoopCarriesTheRoutedAnswersHeaders() async throws {
        var routed: [TestResponse] = []
        // The hot cache off: no hot path, every request goes through the routes.
        try await CDNFixture.with(configure: { $0.hotCacheSize = 0 }) { fixture in
            routed.append(try await fixture.get(Self.small))
            routed.append(try await fixture.get(Self.small))
        }
        try await CDNFixture.with { fixture in
            let miss = try await fixture.get(Self.small)
            #expect(miss.status == 200 && miss.body == CDNFixture.small)
            #expect(miss.header("X-Cache") == "MISS")
            #expect(Self.headers(miss) == Self.headers(routed[0]))
            let hit = try await fixture.get(Self.small)
            #expect(hit.header("X-Cache") == "HIT" && hit.body == CDNFixture.small)
            #expect(fixture.origin.count("/npm:fixture@1.0.0/small.js") == 1)
        }
        #expect(routed[0].header("X-Cache") == "MISS" && routed[1].header("X-Cache") == "HIT")
    }

    @Test func conditionalRangeAndHeadMissesFollowTheFileRules() async throws {
        try await CDNFixture.with { fixture in
            // The ETag is the served body's SHA-256; a client may know it before Wharf has the file.
            let etag = HotCacheTests.etag(CDNFixture.small)
            let notModified = try await fixture.get(Self.small, headers: [("If-None-Match", etag)])
            #expect(notModified.status == 304 && notModified.body.isEmpty && notModified.header("ETag") == etag)
            #expect(notModified.header("X-Cache") == "MISS")
        }
        try await CDNFixture.with { fixture in
            let range = try await fixture.get(Self.small, headers: [("Range", "bytes=0-5")])
            #expect(range.status == 206 && range.body == Array(CDNFixture.small[0...5]) && range.header("Content-Range") == "bytes 0-5/\(CDNFixture.small.count)")
            #expect(range.header("X-Cache") == "MISS")
        }
        try await CDNFixture.with { fixture in
            let head = try await fixture.client.request("http://127.0.0.1:\(fixture.wharf.port)\(Self.small)", method: .HEAD)
            #expect(head.status == 200 && head.body.isEmpty && head.header("Content-Length") == "\(CDNFixture.small.count)")
            #expect(head.header("X-Cache") == "MISS")
        }
    }

    /// Redirects, negative answers, streamed bodies and failures go on to `CDNRoutes` with the
    /// outcome: `X-Cache` says MISS, and the origin was asked once.
    @Test func handedOnOutcomesAreAnsweredOnceAsAMiss() async throws {
        try await CDNFixture.with { fixture in
            let redirect = try await fixture.get("/cdn/ga.jspm.io/fixture")
            #expect((300..<400).contains(redirect.status) && redirect.header("X-Cache") == "MISS", "\(redirect.status)")
            #expect(fixture.origin.count("/fixture") == 1)

            let missing = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/nothing.js")
            #expect(missing.status == 404 && missing.header("X-Cache") == "MISS")
            #expect(fixture.origin.count("/npm:fixture@1.0.0/nothing.js") == 1)

            let big = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/big.bin")
            #expect(big.status == 200 && big.body.count == 3 << 20 && big.header("X-Cache") == "MISS")
            #expect(fixture.origin.count("/npm:fixture@1.0.0/big.bin") == 1)

            fixture.origin.fail(with: .internalServerError)
            let failed = try await fixture.get("/cdn/ga.jspm.io/npm:fixture@1.0.0/other.js")
            #expect(failed.status == 502, "\(failed.status) \(failed.text)")
            #expect(fixture.origin.count("/npm:fixture@1.0.0/other.js") == 1, "\(fixture.origin.count("/npm:fixture@1.0.0/other.js"))")
        }
    }

    /// Requests that arrive while one is looked up wait for it: pipelined answers keep their order.
    @Test func pipelinedRequestsBehindALookupKeepTheirOrder() async throws {
        try await CDNFixture.with { fixture in
            let connection = try RawConnection(port: fixture.wharf.port)
            let miss = "GET \(Self.small) HTTP/1.1\r\nHost: x\r\n\r\n"
            let routed = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            let redirect = "GET /cdn/ga.jspm.io/fixture HTTP/1.1\r\nHost: x\r\n\r\n"
            try connection.send(Array((miss + routed + redirect + miss + "GET \(Self.small) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").utf8))
            let text = String(decoding: connection.receiveAll(), as: UTF8.self)
            let answers = text.components(separatedBy: "HTTP/1.1 ").dropFirst()
            #expect(answers.map { $0.prefix(3) } == ["200", "200", "302", "200", "200"], "\(text)")  // TestOrigin.redirect: 302
            let kinds = answers.map { $0.hasSuffix("ok\n") ? "routed" : $0.contains("\r\n\r\nexport const answer") ? "file" : "other" }
            #expect(kinds == ["file", "routed", "other", "file", "file"], "in order: \(text)")
            #expect(answers.first?.contains("X-Cache: MISS") == true && answers.last?.contains("X-Cache: HIT") == true, "\(text)")
        }
    }
}
