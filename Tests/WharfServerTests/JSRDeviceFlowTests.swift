import Crypto
import Foundation
import Registry
import Testing
import WharfTestSupport

/// The device authorization flow `deno publish` uses: start, approve or deny, exchange.
@Suite struct JSRDeviceFlowTests {
    @Test func anApprovedAuthorizationIsExchangedOnceForAToken() async throws {
        try await JSRFixture.with { jsr in
            let verifier = "a-verifier-the-cli-keeps-secret"
            let started = try await jsr.call("POST", "/api/authorizations", json: ["challenge": JSRFixture.challenge(for: verifier)])
            #expect(started.status == 200)
            let code = try #require(started.json?["code"] as? String)
            let exchangeToken = try #require(started.json?["exchangeToken"] as? String)
            #expect(code.wholeMatch(of: /[A-Z]{4}-[A-Z]{4}/) != nil)
            // deno prints `{verificationUrl}?code={code}`, so the URL is the bare page, as jsr.io answers it.
            #expect(started.json?["verificationUrl"] as? String == "http://wharf.test/auth")
            #expect(started.json?["pollInterval"] as? Int == 2)
            let expires = try #require((started.json?["expiresAt"] as? String).flatMap { ISO8601DateFormatter.withFractions.date(from: $0) })
            #expect(abs(expires.timeIntervalSinceNow - 600) < 60)

            #expect(try await jsr.get("/api/authorizations/details/\(code)").json?["code"] as? String == code)
            #expect(try await jsr.get("/api/authorizations/details/ZZZZ-ZZZZ").code == "authorizationNotFound")
            let exchange: [String: Any] = ["exchangeToken": exchangeToken, "verifier": verifier]
            let pending = try await jsr.call("POST", "/api/authorizations/exchange", json: exchange)
            #expect(pending.status == 400)
            #expect(pending.code == "authorizationPending")

            // Approval needs a signed-in user.
            #expect(try await jsr.call("POST", "/api/authorizations/approve/\(code)").status == 401)
            let bob = try await jsr.login("bob")
            #expect(try await jsr.call("POST", "/api/authorizations/approve/ZZZZ-ZZZZ", token: bob).status == 404)
            #expect(try await jsr.call("POST", "/api/authorizations/approve/\(code)", token: bob).status == 204)

            let wrong = try await jsr.call("POST", "/api/authorizations/exchange", json: ["exchangeToken": exchangeToken, "verifier": "guess"])
            #expect(wrong.status == 400)
            #expect(wrong.code == "authorizationInvalidVerifier")
            #expect(try await jsr.call("POST", "/api/authorizations/exchange", json: ["exchangeToken": "jsrx_forged", "verifier": verifier]).code == "authorizationNotFound")

            let granted = try await jsr.call("POST", "/api/authorizations/exchange", json: exchange)
            #expect(granted.status == 200)
            let token = try #require(granted.json?["token"] as? String)
            #expect((granted.json?["user"] as? [String: Any])?["name"] as? String == "bob")
            #expect(try await jsr.get("/api/user", token: token).json?["name"] as? String == "bob")
            // Exchanged once only.
            #expect(try await jsr.call("POST", "/api/authorizations/exchange", json: exchange).code == "authorizationNotFound")
        }
    }

    @Test func aDeniedAuthorizationGivesNoToken() async throws {
        try await JSRFixture.with { jsr in
            let started = try await jsr.call("POST", "/api/authorizations", json: ["challenge": JSRFixture.challenge(for: "v")])
            let code = try #require(started.json?["code"] as? String)
            let carol = try await jsr.login("carol")
            #expect(try await jsr.call("POST", "/api/authorizations/deny/\(code)", token: carol).status == 204)
            #expect(try await jsr.call("POST", "/api/authorizations/approve/\(code)", token: carol).status == 404)
            let denied = try await jsr.call("POST", "/api/authorizations/exchange", json: ["exchangeToken": started.json?["exchangeToken"] as? String ?? "", "verifier": "v"])
            #expect(denied.status == 400)
            #expect(denied.code == "authorizationDenied")
            // Asking again changes nothing: a denial is never turned into a token.
            let again = try await jsr.call("POST", "/api/authorizations/exchange", json: ["exchangeToken": started.json?["exchangeToken"] as? String ?? "", "verifier": "v"])
            #expect(again.code == "authorizationDenied")
            #expect(try await jsr.call("POST", "/api/authorizations", json: ["challenge": ""]).code == "malformedRequest")
            #expect(try await jsr.call("POST", "/api/authorizations", json: ["challenge": "c", "permissions": [["permission": "admin", "scope": "x1"]]]).code == "malformedRequest")
        }
    }

    @Test func anAuthorizationExpires() async throws {
        try await JSRFixture.with(configure: { $0.jsrAuthorizationLifetime = .seconds(1) }) { jsr in
            let started = try await jsr.call("POST", "/api/authorizations", json: ["challenge": JSRFixture.challenge(for: "v")])
            let code = try #require(started.json?["code"] as? String)
            try await Task.sleep(for: .milliseconds(1500))
            let alice = try await jsr.login("alice")
            #expect(try await jsr.call("POST", "/api/authorizations/approve/\(code)", token: alice).code == "authorizationExpired")
            #expect(try await jsr.get("/api/authorizations/details/\(code)").code == "authorizationExpired")
            let expired = try await jsr.call("POST", "/api/authorizations/exchange", json: ["exchangeToken": started.json?["exchangeToken"] as? String ?? "", "verifier": "v"])
            #expect(expired.status == 400)
            #expect(expired.code == "authorizationExpired")
        }
    }

    /// Wrong verifiers and guessed codes are limited per client: 429 once `max_failures` are used up.
    @Test func guessingVerifiersAndCodesIsLimited() async throws {
        try await JSRFixture.with(configure: { $0.authFailures = AuthFailurePolicy(maxFailures: 2, window: .seconds(300)) }) { jsr in
            let started = try await jsr.call("POST", "/api/authorizations", json: ["challenge": JSRFixture.challenge(for: "v")])
            let exchangeToken = try #require(started.json?["exchangeToken"] as? String)
            let code = try #require(started.json?["code"] as? String)
            // Polling while pending is not a failure.
            for _ in 0..<4 { #expect(try await jsr.call("POST", "/api/authorizations/exchange", json: ["exchangeToken": exchangeToken, "verifier": "v"]).code == "authorizationPending") }
            for _ in 0..<2 { #expect(try await jsr.call("POST", "/api/authorizations/exchange", json: ["exchangeToken": exchangeToken, "verifier": "guess"]).code == "authorizationInvalidVerifier") }
            let blocked = try await jsr.call("POST", "/api/authorizations/exchange", json: ["exchangeToken": exchangeToken, "verifier": "v"])
            #expect(blocked.status == 429)
            #expect(blocked.code == "tooManyRequests")
            #expect(blocked.header("retry-after") != nil)
            let form = Array("code=\(code)&key=alice-key&action=approve".utf8)
            let page = try await jsr.call("POST", "/auth", body: form, headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(page.status == 429, "the same client at the device page")
        }
    }

    @Test func theVerificationPageApprovesWithAKey() async throws {
        try await JSRFixture.with { jsr in
            let started = try await jsr.call("POST", "/api/authorizations", json: ["challenge": JSRFixture.challenge(for: "v")])
            let code = try #require(started.json?["code"] as? String)
            // The link deno prints: the verification URL with `?code=` added.
            let printed = try #require(started.json?["verificationUrl"] as? String)
            let verificationURL = try #require(URL(string: printed))
            let page = try await jsr.get(verificationURL.path + "?code=\(code)")
            #expect(page.status == 200)
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(page.text.contains(code))
            let form = { (key: String) in Array("code=\(code)&key=\(key)&action=approve".utf8) }
            let bad = try await jsr.call("POST", "/auth", body: form("wrong"), headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(bad.status == 401)
            let good = try await jsr.call("POST", "/auth", body: form("alice-key"), headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(good.status == 200)
            #expect(good.text.contains("Authorized"))
            let granted = try await jsr.call("POST", "/api/authorizations/exchange", json: ["exchangeToken": started.json?["exchangeToken"] as? String ?? "", "verifier": "v"])
            #expect((granted.json?["user"] as? [String: Any])?["name"] as? String == "alice")
        }
    }

    @Test func aTokenWithPermissionsMayOnlyPublishWhatTheyName() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice")
            try await jsr.makePackage("perm", "allowed", token: alice)
            try await jsr.makePackage("perm", "other", token: alice)
            let permissions: [[String: Any]] = [["permission": "package/publish", "scope": "perm", "package": "allowed", "version": "1.0.0"]]
            let started = try await jsr.call("POST", "/api/authorizations", json: ["challenge": JSRFixture.challenge(for: "v"), "permissions": permissions])
            let code = try #require(started.json?["code"] as? String)
            #expect(((try await jsr.get("/api/authorizations/details/\(code)").json?["permissions"]) as? [[String: Any]])?.first?["package"] as? String == "allowed")
            #expect(try await jsr.call("POST", "/api/authorizations/approve/\(code)", token: alice).status == 204)
            let token = try #require(try await jsr.call("POST", "/api/authorizations/exchange", json: ["exchangeToken": started.json?["exchangeToken"] as? String ?? "", "verifier": "v"]).json?["token"] as? String)

            let otherPackage = try await jsr.publish("perm", "other", "1.0.0", tarball: JSRFixture.package("perm", "other", "1.0.0"), token: token)
            #expect(otherPackage.status == 403)
            #expect(otherPackage.code == "missingPermission")
            #expect(try await jsr.publish("perm", "allowed", "2.0.0", tarball: JSRFixture.package("perm", "allowed", "2.0.0"), token: token).code == "missingPermission")
            #expect(try await jsr.call("POST", "/api/scopes", token: token, json: ["scope": "sneaky"]).code == "missingPermission")
            #expect(try await jsr.call("PATCH", "/api/scopes/perm", token: token, json: ["description": "x"]).code == "missingPermission")
            let task = try await jsr.publishAndWait("perm", "allowed", "1.0.0", tarball: JSRFixture.package("perm", "allowed", "1.0.0"), token: token)
            #expect(task["status"] as? String == "success")
        }
    }

    /// `deno publish` names the tarball's sha256 in the permission: only that tarball may be sent.
    @Test func aTokenBoundToATarballHashPublishesOnlyThatTarball() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice")
            try await jsr.makePackage("hash", "pkg", token: alice)
            let tarball = JSRFixture.package("hash", "pkg", "1.0.0")
            let hash = "sha256-" + SHA256.hash(data: tarball).map { String(format: "%02x", $0) }.joined()
            let permissions: [[String: Any]] = [["permission": "package/publish", "scope": "hash", "package": "pkg", "version": "1.0.0", "tarballHash": hash]]
            let started = try await jsr.call("POST", "/api/authorizations", json: ["challenge": JSRFixture.challenge(for: "v"), "permissions": permissions])
            let code = try #require(started.json?["code"] as? String)
            #expect(try await jsr.call("POST", "/api/authorizations/approve/\(code)", token: alice).status == 204)
            let token = try #require(try await jsr.call("POST", "/api/authorizations/exchange", json: ["exchangeToken": started.json?["exchangeToken"] as? String ?? "", "verifier": "v"]).json?["token"] as? String)
            let other = JSRFixture.package("hash", "pkg", "1.0.0", extra: ["more.txt": "x"])
            #expect(try await jsr.publish("hash", "pkg", "1.0.0", tarball: other, token: token).code == "missingPermission")
            #expect(try await jsr.publishAndWait("hash", "pkg", "1.0.0", tarball: tarball, token: token)["status"] as? String == "success")
        }
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
