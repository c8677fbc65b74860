import Crypto
import Foundation
import Registry
import WharfServer
import Synchronization
import Tarball
import Testing
import WharfTestSupport

/// The Eik server REST API through real HTTP: every status the seed lists, and the cases where
/// Wharf must do better than the original (atomic publishing, checked aliases, refused bombs).
@Suite struct EikRoutesTests {
    @Test func loginGivesATokenForAKnownKey() async throws {
        try await EikFixture.with { eik in
            let multipart = MultipartBody([.init("key", "change_me")])
            let ok = try await eik.client.request(eik.base + "/auth/login", method: .POST, headers: [("Content-Type", multipart.contentType)], body: multipart.bytes)
            #expect(ok.status == 200)
            #expect(ok.header("cache-control") == "no-store")
            let token = try #require(ok.json?["token"] as? String)
            let claims = try #require(Self.claims(of: token))
            #expect(claims["name"] as? String == "admin")
            #expect(claims["user"] as? String == "admin")
            #expect(claims["exp"] is Double || claims["exp"] is Int)

            let encoded = try await eik.client.request(eik.base + "/auth/login", method: .POST,
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("key=ci-key".utf8))
            #expect(encoded.status == 200)

            let wrong = try await eik.client.request(eik.base + "/auth/login", method: .POST,
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("key=nope".utf8))
            #expect(wrong.status == 401)
            #expect(wrong.json?["error"] is String)
            let missing = try await eik.client.request(eik.base + "/auth/login", method: .POST,
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("other=1".utf8))
            #expect(missing.status == 400)
        }
    }

    @Test func forgedMalformedAndExpiredTokensAre401() async throws {
        try await EikFixture.with { eik in
            let token = try await eik.login()
            let parts = token.split(separator: ".").map(String.init)
            let payload = try #require(Self.claims(of: token))
            let noneHeader = Self.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
            let forgedPayload = Self.base64URL(try JSONSerialization.data(withJSONObject: payload.merging(["user": "ci"]) { $1 }))
            let expired = try await Authenticator(users: [.init(name: "admin", key: "x", admin: true)], secret: Array(EikFixture.secret.utf8), tokenLifetime: .seconds(60))
                .token(for: .init(name: "admin", key: "x", admin: true), now: Date().addingTimeInterval(-3600))
            let otherSecret = try await Authenticator(users: [.init(name: "admin", key: "x", admin: true)], secret: Array("another".utf8), tokenLifetime: .seconds(60))
                .token(for: .init(name: "admin", key: "x", admin: true))
            // The same claims and Wharf's own key, but HS512: only HS256 is accepted, as README says.
            let hs512Header = Self.base64URL(Data(#"{"alg":"HS512","typ":"JWT"}"#.utf8))
            let key = SymmetricKey(data: SHA256.hash(data: Array(EikFixture.secret.utf8)))
            let hs512Signature = Self.base64URL(Data(HMAC<SHA512>.authenticationCode(for: Data("\(hs512Header).\(parts[1])".utf8), using: key)))
            let cases: [(String, String?)] = [
                ("missing", nil),
                ("HS512", "Bearer \(hs512Header).\(parts[1]).\(hs512Signature)"),
                ("not bearer", "Basic \(token)"),
                ("garbage", "Bearer not-a-jwt"),
                ("alg none", "Bearer \(noneHeader).\(parts[1])."),
                ("payload swapped", "Bearer \(parts[0]).\(forgedPayload).\(parts[2])"),
                ("signature cut", "Bearer \(parts[0]).\(parts[1])."),
                ("other secret", "Bearer \(otherSecret)"),
                ("expired", "Bearer \(expired)"),
            ]
            for (label, header) in cases {
                let form = MultipartBody([.init("package", filename: "p.tgz", bytes: EikFixture.package())])
                var headers = [("Content-Type", form.contentType)]
                if let header { headers.append(("Authorization", header)) }
                let response = try await eik.client.request(eik.base + "/pkg/fuzz/1.0.0", method: .PUT, headers: headers, body: form.bytes)
                #expect(response.status == 401, "\(label)")
                #expect(response.header("cache-control") == "no-store", "\(label)")
            }
            #expect(try await eik.get("/pkg/fuzz").status == 404, "nothing was published")
        }
    }

    /// Guessing keys is limited per client: after `max_failures` wrong keys the client waits (429,
    /// `Retry-After`), even with the right key; behind a trusted proxy, clients are told apart by
    /// `X-Forwarded-For` (which nobody else can forge their way around).
    @Test func failedLoginsAreLimitedPerClient() async throws {
        try await EikFixture.with(configure: { configuration in
            configuration.authFailures = AuthFailurePolicy(maxFailures: 3, window: .seconds(300))
        }) { eik in
            for attempt in 0..<3 { #expect(try await Self.login(eik, "guess-\(attempt)").status == 401) }
            let blocked = try await Self.login(eik, "change_me")
            #expect(blocked.status == 429)
            #expect(Int(blocked.header("retry-after") ?? "") ?? 0 > 0)
            #expect((blocked.json?["error"] as? String)?.contains("too many failed attempts") == true)
            #expect(try await Self.login(eik, "change_me", forwardedFor: "203.0.113.5").status == 429, "an untrusted peer's X-Forwarded-For is ignored")
        }
        let proxy = try #require(IPNetwork("127.0.0.0/8"))
        try await EikFixture.with(configure: { configuration in
            configuration.authFailures = AuthFailurePolicy(maxFailures: 3, window: .seconds(300))
            configuration.trustedProxies = [proxy]
        }) { (eik: EikFixture) async throws in
            for attempt in 0..<3 { #expect(try await Self.login(eik, "guess-\(attempt)", forwardedFor: "198.51.100.7").status == 401) }
            #expect(try await Self.login(eik, "change_me", forwardedFor: "198.51.100.7").status == 429)
            #expect(try await Self.login(eik, "change_me", forwardedFor: "203.0.113.5").status == 200, "another client behind the same proxy")
            #expect(try await Self.login(eik, "change_me", forwardedFor: "198.51.100.7, 127.0.0.1").status == 429, "trusted hops are skipped")
        }
    }

    static func login(_ eik: EikFixture, _ key: String, forwardedFor: String? = nil) async throws -> TestResponse {
        var headers = [("Content-Type", "application/x-www-form-urlencoded")]
        if let forwardedFor { headers.append(("X-Forwarded-For", forwardedFor)) }
        return try await eik.client.request(eik.base + "/auth/login", method: .POST, headers: headers, body: Array("key=\(key)".utf8))
    }

    /// Multipart bodies are bounded per route: a part's headers (16 KiB), the number of parts, and
    /// the whole body (fields a route does not ask for included). Each answers 413 and nothing else.
    @Test func multipartBodiesAreBounded() async throws {
        try await EikFixture.with { eik in
            func post(_ body: [UInt8]) async throws -> TestResponse {
                try await eik.client.request(eik.base + "/auth/login", method: .POST, headers: [("Content-Type", "multipart/form-data; boundary=b")], body: body)
            }
            let hugeHeader = Array("--b\r\nContent-Disposition: form-data; name=\"key\"\r\nX-Junk: ".utf8) + [UInt8](repeating: 0x61, count: 4 << 20)
                + Array("\r\n\r\nchange_me\r\n--b--\r\n".utf8)
            let header = try await post(hugeHeader)
            #expect(header.status == 413)
            #expect((header.json?["error"] as? String)?.contains("headers of a multipart part") == true, "\(header.text)")
            let preamble = try await post([UInt8](repeating: 0x61, count: 1 << 20))
            #expect(preamble.status == 413, "a preamble that never reaches a boundary")

            var manyParts: [UInt8] = []
            for index in 0..<100 { manyParts += Array("--b\r\nContent-Disposition: form-data; name=\"f\(index)\"\r\n\r\nx\r\n".utf8) }
            manyParts += Array("--b--\r\n".utf8)
            let parts = try await post(manyParts)
            #expect(parts.status == 413)
            #expect((parts.json?["error"] as? String)?.contains("multipart parts") == true, "\(parts.text)")

            let unasked = Array("--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\n".utf8) + [UInt8](repeating: 0x61, count: 8 << 20)
                + Array("\r\n--b--\r\n".utf8)
            let big = try await post(unasked)
            #expect(big.status == 413)
            #expect((big.json?["error"] as? String)?.contains("form body larger than") == true, "\(big.text)")

            // A byte over 0x7F in a part's header name made multipart-kit trap and took the whole
            // server down (found by the multipart fuzz target): now a 400.
            let nonASCII = Array("--b\r\nContent-Disposition: form-data; name=\"key\"\r\nX-".utf8) + [0xEA, 0xEA]
                + Array(": v\r\n\r\nchange_me\r\n--b--\r\n".utf8)
            let refused = try await post(nonASCII)
            #expect(refused.status == 400, "\(refused.text)")
            #expect((refused.json?["error"] as? String)?.contains("not ASCII") == true)
            // Headers are ASCII: a raw UTF-8 file name is refused too (the parser's lines may differ from ours).
            let utf8Filename = MultipartBody([.init("other", filename: "päckage.tgz", bytes: [1, 2, 3]), .init("key", "change_me")])
            #expect(try await eik.client.request(eik.base + "/auth/login", method: .POST, headers: [("Content-Type", utf8Filename.contentType)], body: utf8Filename.bytes).status == 400)
            #expect((refused.json?["error"] as? String)?.contains("not ASCII") == true)

            let fine = MultipartBody([.init("note", "hello"), .init("key", "change_me")])
            let login = try await eik.client.request(eik.base + "/auth/login", method: .POST, headers: [("Content-Type", fine.contentType)], body: fine.bytes)
            #expect(login.status == 200, "the server goes on serving: \(login.text)")
        }
    }

    /// What a registry route acknowledges is on disk before the answer is written: the store's sync
    /// hook records each durable commit, the test what it was answered, in one ordered log.
    @Test func aPublishIsOnDiskBeforeItIsAnswered() async throws {
        let log = Mutex<[String]>([])
        try await EikFixture.with(configure: { $0.store.onSync = { log.withLock { $0.append("sync") } } }) { eik in
            let token = try await eik.login()
            log.withLock { $0.removeAll() }
            let published = try await eik.publish("/pkg/durable/1.0.0", archive: EikFixture.package(), token: token)
            #expect(published.status == 303)
            log.withLock { $0.append("answer: publish") }
            let alias = try await eik.send("PUT", "/pkg/durable/v1", fields: [.init("version", "1.0.0")], token: token)
            #expect(alias.status == 303)
            log.withLock { $0.append("answer: alias") }
            let events = log.withLock { $0 }
            let publishAnswer = try #require(events.firstIndex(of: "answer: publish"))
            #expect(events[..<publishAnswer].contains("sync"), "\(events)")
            #expect(events[publishAnswer...].dropFirst().first == "sync", "the alias, too, is synced before its answer: \(events)")
        }
    }

    @Test func publishServeAndDescribeAPackage() async throws {
        try await EikFixture.with { eik in
            let token = try await eik.login()
            let put = try await eik.publish("/pkg/fuzz/8.4.1", archive: EikFixture.package("8.4.1"), token: token)
            #expect(put.status == 303)
            #expect(put.header("location") == "/pkg/fuzz/8.4.1")
            #expect(put.body.isEmpty)
            #expect(put.header("cache-control") == "no-store")

            let file = try await eik.get("/pkg/fuzz/8.4.1/main/index.js")
            #expect(file.status == 200)
            #expect(file.text == "export const version = '8.4.1';\n")
            #expect(file.header("content-type") == "text/javascript; charset=utf-8")
            #expect(file.header("cache-control") == "public, max-age=31536000, immutable")
            #expect(file.header("access-control-allow-origin") == "*")
            let etag = try #require(file.header("etag"))
            #expect(try await eik.get("/pkg/fuzz/8.4.1/main/index.js", headers: [("If-None-Match", etag)]).status == 304)
            #expect(try await eik.get("/pkg/fuzz/8.4.1/main/style.css").header("content-type") == "text/css; charset=utf-8")
            #expect(try await eik.get("/pkg/fuzz/8.4.1/main/missing.js").status == 404)
            #expect(try await eik.get("/pkg/fuzz/8.4.1/main/../README.md").status == 404)
            #expect(try await eik.get("/pkg/fuzz/8.4.1/main%2Findex.js").status == 404)

            let overview = try await eik.get("/pkg/fuzz/8.4.1")
            #expect(overview.status == 200)
            #expect(overview.header("cache-control") == "no-cache")
            let json = try #require(overview.json)
            #expect(json["name"] as? String == "fuzz")
            #expect(json["version"] as? String == "8.4.1")
            #expect(json["type"] as? String == "pkg")
            #expect(json["org"] as? String == "local")
            #expect((json["author"] as? [String: String]) == ["name": "admin", "user": "admin"])
            #expect(json["created"] is Int)
            #expect((json["meta"] as? [Any])?.isEmpty == true)
            let files = try #require(json["files"] as? [[String: Any]])
            #expect(files.map { $0["pathname"] as? String } == ["/README.md", "/eik.json", "/main/index.js", "/main/style.css"])
            let index = try #require(files.first { $0["pathname"] as? String == "/main/index.js" })
            #expect(index["integrity"] as? String == Integrity.sha512(file.body))
            #expect(index["mimeType"] as? String == "text/javascript")
            #expect(index["size"] as? Int == file.body.count)
            #expect(json["integrity"] as? String == Integrity.ofFiles(files.compactMap { $0["integrity"] as? String }))
            let manifest = try await eik.get("/pkg/fuzz/8.4.1/eik.json")
            #expect((manifest.json as? [String: String]) == ["name": "fuzz", "version": "8.4.1", "type": "pkg"])

            _ = try await eik.publish("/pkg/fuzz/8.5.0", archive: EikFixture.package("8.5.0"), token: token)
            _ = try await eik.publish("/pkg/fuzz/7.1.0", archive: EikFixture.package("7.1.0", compression: .none), token: token)
            let versions = try await eik.get("/pkg/fuzz")
            #expect(versions.status == 200)
            #expect(versions.header("cache-control") == "no-cache")
            let list = try #require(versions.json?["versions"] as? [[Any]])
            #expect(list.map { $0[0] as? Int } == [8, 7])
            #expect(list.map { ($0[1] as? [String: Any])?["version"] as? String } == ["8.5.0", "7.1.0"])
            #expect(versions.json?["org"] as? String == "local")
        }
    }

    @Test func scopedNamesWorkPlainAndPercentEncoded() async throws {
        try await EikFixture.with { eik in
            let token = try await eik.login()
            let put = try await eik.publish("/npm/%40eik%2Fbuzz/1.0.0", archive: EikFixture.package(), token: token)
            #expect(put.status == 303)
            #expect(put.header("location") == "/npm/@eik/buzz/1.0.0")
            #expect(try await eik.get("/npm/@eik/buzz/1.0.0/main/index.js").status == 200)
            #expect(try await eik.get("/npm/%40eik%2Fbuzz/1.0.0/main/index.js").status == 200)
            #expect(try await eik.get("/npm/@eik/buzz").status == 200)
            #expect(try await eik.publish("/npm/@eik/buzz/1.0.0", archive: EikFixture.package(), token: token).status == 409)
            #expect(try await eik.get("/pkg/@eik/buzz/1.0.0/main/index.js").status == 404, "types are separate")
        }
    }

    @Test func publishingRefusesBadRequestsWithTheSeedsStatuses() async throws {
        try await EikFixture.with(configure: { $0.registryLimits.maxPackageSize = 64 << 10 }) { eik in
            let token = try await eik.login()
            #expect(try await eik.publish("/pkg/fuzz/1.0.0", archive: EikFixture.package(), token: token).status == 303)
            #expect(try await eik.publish("/pkg/fuzz/1.0.0", archive: EikFixture.package("again"), token: token).status == 409)
            #expect(try await eik.publish("/pkg/fuzz/0.9.0", archive: EikFixture.package(), token: token).status == 303, "another major")
            #expect(try await eik.publish("/pkg/fuzz/0.8.0", archive: EikFixture.package(), token: token).status == 409, "not newer in its major")
            #expect(try await eik.publish("/pkg/Fuzz/1.0.0", archive: EikFixture.package(), token: token).status == 400)
            #expect(try await eik.publish("/pkg/fuzz/1.0", archive: EikFixture.package(), token: token).status == 400)
            #expect(try await eik.publish("/pkg/fuzz/v1.0.0", archive: EikFixture.package(), token: token).status == 400)
            #expect(try await eik.publish("/pkg/fuzz/2.0.0", archive: EikFixture.package(), token: nil).status == 401)
            #expect(try await eik.send("PUT", "/pkg/fuzz/2.0.0", fields: [.init("other", "x")], token: token).status == 400)

            var random = SystemRandomNumberGenerator()
            let noise = (0..<(100 << 10)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let tooLarge = try await eik.publish("/pkg/fuzz/2.0.0", archive: noise, token: token)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.json?["error"] is String)
            #expect(try await eik.publish("/pkg/fuzz/2.0.0", archive: Array(noise.prefix(4000)), token: token).status == 415)
            #expect(try await eik.publish("/pkg/fuzz/2.0.0", archive: Array(#"{"imports":{}}"#.utf8), token: token).status == 415)

            var corrupt = EikFixture.package(compression: .none)
            corrupt[148] ^= 0x11   // the first header's checksum
            #expect(try await eik.publish("/pkg/fuzz/2.0.0", archive: corrupt, token: token).status == 422)
            let truncated = Array(EikFixture.package(compression: .none).prefix(700))
            #expect(try await eik.publish("/pkg/fuzz/2.0.0", archive: truncated, token: token).status == 422)

            for hostile in ["../evil.js", "/etc/passwd", "a/../../b.js", "a\\..\\b.js"] {
                var tar = TarWriter()
                tar.addFile("ok.js", contents: "1")
                tar.addFile(hostile, contents: "evil")
                let response = try await eik.publish("/pkg/fuzz/2.0.0", archive: tar.archive(compression: .gzip), token: token)
                #expect(response.status == 422, "\(hostile)")
            }

            var links = TarWriter()
            links.addFile("index.js", contents: "export {}")
            links.addSymlink("passwd", target: "/etc/passwd")
            links.addHardLink("hard", target: "index.js")
            #expect(try await eik.publish("/pkg/links/1.0.0", archive: links.archive(compression: .gzip), token: token).status == 303)
            let files = try #require(try await eik.get("/pkg/links/1.0.0").json?["files"] as? [[String: Any]])
            #expect(files.compactMap { $0["pathname"] as? String } == ["/eik.json", "/index.js"])
            #expect(try await eik.get("/pkg/links/1.0.0/passwd").status == 404)

            // 40 MB of zeros in a few KB of gzip: refused while inflating, never written.
            var bomb = TarWriter()
            bomb.addFile("zeros.bin", bytes: [UInt8](repeating: 0, count: 40 << 20))
            let compressed = bomb.archive(compression: .gzip)
            #expect(compressed.count < 64 << 10)
            #expect(try await eik.publish("/pkg/bomb/1.0.0", archive: compressed, token: token).status == 413)
            #expect(try await eik.get("/pkg/bomb").status == 404)
            #expect(try await eik.get("/pkg/fuzz/2.0.0").status == 404, "no refused upload left anything behind")
        }
    }

    @Test func importMapsArePublishedOnceAndServedImmutable() async throws {
        try await EikFixture.with { eik in
            let token = try await eik.login()
            let map = Array(#"{"imports":{"fuzz":"/pkg/fuzz/8.4.1/main/index.js"}}"#.utf8)
            let put = try await eik.send("PUT", "/map/buzz/4.2.2", fields: [.init("map", filename: "map.json", bytes: map)], token: token)
            #expect(put.status == 303)
            #expect(put.header("location") == "/map/buzz/4.2.2")
            let get = try await eik.get("/map/buzz/4.2.2")
            #expect(get.status == 200)
            #expect(get.body == map)
            #expect(get.header("cache-control") == "public, max-age=31536000, immutable")
            #expect(get.header("content-type")?.hasPrefix("application/json") == true)
            #expect(try await eik.send("PUT", "/map/buzz/4.2.2", fields: [.init("map", filename: "m.json", bytes: map)], token: token).status == 409)
            #expect(try await eik.send("PUT", "/map/buzz/4.2.1", fields: [.init("map", filename: "m.json", bytes: map)], token: token).status == 409)
            #expect(try await eik.send("PUT", "/map/buzz/5.0.0", fields: [.init("map", filename: "m.json", bytes: Array("not json".utf8))], token: token).status == 415)
            let huge = Array(("{\"imports\":{\"a\":\"" + String(repeating: "x", count: 1_000_001) + "\"}}").utf8)
            #expect(try await eik.send("PUT", "/map/buzz/5.0.0", fields: [.init("map", filename: "m.json", bytes: huge)], token: token).status == 413)
            #expect(try await eik.send("PUT", "/map/buzz/5.0.0", fields: [], token: token).status == 400)
            #expect(try await eik.get("/map/buzz/5.0.0").status == 404)
            let versions = try await eik.get("/map/buzz")
            #expect((versions.json?["versions"] as? [[Any]])?.count == 1)
        }
    }

    @Test func aliasesPointAtExactVersions() async throws {
        try await EikFixture.with { eik in
            let token = try await eik.login()
            _ = try await eik.publish("/pkg/fuzz/8.4.1", archive: EikFixture.package("8.4.1"), token: token)
            _ = try await eik.publish("/pkg/fuzz/8.5.0", archive: EikFixture.package("8.5.0"), token: token)
            _ = try await eik.publish("/pkg/fuzz/7.0.0", archive: EikFixture.package("7.0.0"), token: token)

            let create = try await eik.send("PUT", "/pkg/fuzz/v8", fields: [.init("version", "8.4.1")], token: token)
            #expect(create.status == 303)
            #expect(create.header("location") == "/pkg/fuzz/v8")
            #expect(try await eik.send("PUT", "/pkg/fuzz/v8", fields: [.init("version", "8.4.1")], token: token).status == 409)

            let redirect = try await eik.get("/pkg/fuzz/v8/main/index.js")
            #expect(redirect.status == 302)
            #expect(redirect.header("location") == "/pkg/fuzz/8.4.1/main/index.js")
            #expect(redirect.header("cache-control") == "public, max-age=1200")
            let followed = try await eik.get(try #require(redirect.header("location")))
            #expect(followed.text == "export const version = '8.4.1';\n")
            #expect(try await eik.get("/pkg/fuzz/v8").header("location") == "/pkg/fuzz/8.4.1")
            // The redirect target is built from the stored name, never from a host-like request path.
            #expect(try await eik.get("/pkg/fuzz/v8//evil.example/x").status == 404)

            #expect(try await eik.send("POST", "/pkg/fuzz/v8", fields: [.init("version", "8.5.0")], token: token).status == 303)
            #expect(try await eik.get("/pkg/fuzz/v8/main/index.js").header("location") == "/pkg/fuzz/8.5.0/main/index.js")
            #expect(try await eik.send("POST", "/pkg/fuzz/v9", fields: [.init("version", "8.5.0")], token: token).status == 404)
            #expect(try await eik.send("PUT", "/pkg/fuzz/v7", fields: [.init("version", "8.5.0")], token: token).status == 400, "major mismatch")
            #expect(try await eik.send("PUT", "/pkg/fuzz/v8", fields: [.init("version", "8.9.9")], token: token).status == 404)
            #expect(try await eik.send("PUT", "/pkg/fuzz/v6", fields: [.init("version", "6.0.0")], token: token).status == 404, "unpublished")
            #expect(try await eik.send("PUT", "/pkg/fuzz/v7", fields: [.init("version", "7.0.0")], token: nil).status == 401)
            #expect(try await eik.send("PUT", "/pkg/fuzz/v7", fields: [], token: token).status == 400)

            let delete = try await eik.client.request(eik.base + "/pkg/fuzz/v8", method: .DELETE, headers: [("Authorization", "Bearer \(token)")])
            #expect(delete.status == 204)
            let again = try await eik.client.request(eik.base + "/pkg/fuzz/v8", method: .DELETE, headers: [("Authorization", "Bearer \(token)")])
            #expect(again.status == 404)
            #expect(try await eik.get("/pkg/fuzz/v8/main/index.js").status == 404)
        }
    }

    @Test func concurrentUploadsAreAtomic() async throws {
        try await EikFixture.with { eik in
            let token = try await eik.login()
            let sameVersion = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<8 {
                    group.addTask { try await eik.publish("/pkg/race/1.0.0", archive: EikFixture.package("\(index)"), token: token).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(sameVersion.sorted() == [303] + Array(repeating: 409, count: 7))

            let different = try await withThrowingTaskGroup(of: Int.self) { group in
                for major in 1...10 {
                    group.addTask { try await eik.publish("/pkg/many/\(major).0.0", archive: EikFixture.package("\(major)"), token: token).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(different.allSatisfy { $0 == 303 })
            let versions = try #require(try await eik.get("/pkg/many").json?["versions"] as? [[Any]])
            #expect(versions.count == 10)
        }
    }

    @Test func unknownRoutesAndMethodsAreJSONErrors() async throws {
        try await EikFixture.with { eik in
            let unknown = try await eik.get("/pkg")
            #expect(unknown.status == 404)
            #expect(unknown.json?["error"] is String)
            let missing = try await eik.get("/pkg/nothing/1.0.0/a.js")
            #expect(missing.status == 404)
            #expect(missing.header("cache-control") == "public, max-age=5")
            #expect(try await eik.get("/pkg/NotValid").status == 404)
            let patch = try await eik.client.request(eik.base + "/pkg/fuzz/1.0.0", method: .PATCH)
            #expect(patch.status == 405)
        }
    }

    static func claims(of token: String) -> [String: Any]? {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { return nil }
        var text = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

@Suite struct ExpectContinueTests {
    /// curl asks before sending uploads over 1 KiB; without an answer it stalls a second per upload.
    @Test func uploadsThatAskFirstAreToldToContinue() async throws {
        try await EikFixture.with { eik in
            let token = try await eik.login()
            let form = MultipartBody([.init("package", filename: "p.tgz", bytes: EikFixture.package())])
            let head = "PUT /pkg/asks/1.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nExpect: 100-continue\r\n"
                + "Content-Type: \(form.contentType)\r\nContent-Length: \(form.bytes.count)\r\nConnection: close\r\n\r\n"
            let connection = try RawConnection(port: eik.wharf.port)
            try connection.send(Array(head.utf8))
            let interim = String(decoding: connection.receiveSome(), as: UTF8.self)
            #expect(interim.hasPrefix("HTTP/1.1 100 Continue"), "\(interim)")
            try connection.send(form.bytes)
            let final = String(decoding: connection.receiveAll(), as: UTF8.self)
            #expect(final.contains("HTTP/1.1 303"), "\(final)")
            #expect(try await eik.get("/pkg/asks/1.0.0/main/index.js").status == 200)
        }
    }
}

@Suite struct PublishedPackageListingTests {
    /// Packages published to Wharf are files the `local` download provider lists.
    @Test func theLocalProviderListsPublishedNpmPackages() async throws {
        try await EikFixture.with { eik in
            let token = try await eik.login()
            #expect(try await eik.publish("/npm/buzz/1.0.0", archive: EikFixture.package(), token: token).status == 303)
            let listing = try await eik.get("/download/buzz@1.0.0?provider=local")
            #expect(listing.status == 200, "\(listing.text)")
            let entry = try #require(listing.json?["buzz@1.0.0"] as? [String: Any])
            #expect(entry["pkgUrl"] as? String == "http://wharf.test/npm/buzz/1.0.0/")
            #expect(entry["files"] as? [String] == ["README.md", "eik.json", "main/index.js", "main/style.css"])
            #expect(try await eik.get("/download/buzz@2.0.0?provider=local").status == 404)
        }
    }
}

@Suite struct GenerateFromTheRegistryTests {
    static func npmPackage(_ files: [String: String]) -> [UInt8] {
        var tar = TarWriter()
        for (path, text) in files.sorted(by: { $0.key < $1.key }) { tar.addFile(path, contents: text) }
        return tar.archive(compression: .gzip)
    }

    /// npm packages published to Wharf resolve in /generate without any upstream.
    @Test func publishedPackagesAreGeneratedFromWharfItself() async throws {
        try await EikFixture.with { eik in
            let token = try await eik.login()
            let lib = Self.npmPackage([
                "package.json": #"{"name":"mylib","version":"1.0.0","exports":{".":"./index.js"},"dependencies":{"mydep":"^1.0.0"}}"#,
                "index.js": "import dep from 'mydep';\nexport default dep;\n",
            ])
            let dep = Self.npmPackage(["package.json": #"{"name":"mydep","version":"1.2.0","main":"main.js"}"#, "main.js": "export default 'dep';\n"])
            #expect(try await eik.publish("/npm/mylib/1.0.0", archive: lib, token: token).status == 303)
            #expect(try await eik.publish("/npm/mydep/1.2.0", archive: dep, token: token).status == 303)

            let response = try await eik.get("/generate?install=mylib")
            #expect(response.status == 200, "\(response.text)")
            let map = try #require(response.json?["map"] as? [String: Any])
            #expect(map["imports"] as? [String: String] == ["mylib": "http://wharf.test/npm/mylib/1.0.0/index.js"])
            #expect(map["scopes"] as? [String: [String: String]] == ["http://wharf.test/npm/": ["mydep": "http://wharf.test/npm/mydep/1.2.0/main.js"]])
            #expect(response.json?["staticDeps"] as? [String] == ["http://wharf.test/npm/mylib/1.0.0/index.js", "http://wharf.test/npm/mydep/1.2.0/main.js"])
        }
    }
}

@Suite struct EikHeadTests {
    /// HEAD answers the same headers as GET, without a body, for files and JSON documents.
    @Test func headRequestsHaveNoBody() async throws {
        try await EikFixture.with { eik in
            let token = try await eik.login()
            _ = try await eik.publish("/pkg/fuzz/1.0.0", archive: EikFixture.package(), token: token)
            for path in ["/pkg/fuzz/1.0.0/main/index.js", "/pkg/fuzz/1.0.0", "/pkg/fuzz"] {
                let get = try await eik.get(path)
                let head = try await eik.client.request(eik.base + path, method: .HEAD)
                #expect(head.status == 200, "\(path)")
                #expect(head.body.isEmpty, "\(path)")
                #expect(head.header("content-type") == get.header("content-type"), "\(path)")
                // On the wire: nothing follows the head (an HTTP client would not show a stray body).
                let connection = try RawConnection(port: eik.wharf.port)
                try connection.send(Array("HEAD \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
                let raw = String(decoding: connection.receiveAll(), as: UTF8.self)
                let parts = raw.components(separatedBy: "\r\n\r\n")
                #expect(parts.count == 2 && parts[1].isEmpty, "\(path): \(raw.debugDescription)")
            }
        }
    }
}
