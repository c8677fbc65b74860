import Foundation
import Testing
import WharfTestSupport

/// Scopes, members, invites, packages, users and tokens of the JSR API, through real HTTP.
@Suite struct JSRScopeRoutesTests {
    @Test func scopesCanBeCreatedReadChangedAndDeleted() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice"), bob = try await jsr.login("bob")
            let created = try await jsr.call("POST", "/api/scopes", token: alice, json: ["scope": "acme"])
            #expect(created.status == 200)
            #expect(created.json?["scope"] as? String == "acme")
            #expect((created.json?["creator"] as? [String: Any])?["name"] as? String == "alice")
            #expect((created.json?["quotas"] as? [String: Any])?["packageUsage"] as? Int == 0)
            #expect(created.json?["requirePublishingFromCI"] as? Bool == false)

            #expect(try await jsr.call("POST", "/api/scopes", token: bob, json: ["scope": "acme"]).code == "scopeAlreadyExists")
            #expect(try await jsr.call("POST", "/api/scopes", token: bob, json: ["scope": "acme"]).status == 409)
            for bad in ["A", "a", "-ab", "ab-", "a--b", "has_underscore", String(repeating: "x", count: 21)] {
                let response = try await jsr.call("POST", "/api/scopes", token: alice, json: ["scope": bad])
                #expect(response.status == 400, "scope \(bad)")
                #expect(response.code == "invalidScopeName", "scope \(bad)")
            }
            #expect(try await jsr.call("POST", "/api/scopes", token: alice, json: ["name": "x"]).code == "malformedRequest")
            #expect(try await jsr.call("POST", "/api/scopes", token: alice, body: Array("not json".utf8)).code == "malformedRequest")
            let anonymous = try await jsr.call("POST", "/api/scopes", json: ["scope": "other"])
            #expect(anonymous.status == 401)
            #expect(anonymous.code == "missingAuthentication")
            let forged = try await jsr.call("POST", "/api/scopes", token: "jsrp_0000", json: ["scope": "other"])
            #expect(forged.status == 401)
            #expect(forged.code == "invalidBearerToken")
            #expect(try await jsr.call("POST", "/api/scopes", token: alice + "x", json: ["scope": "other"]).code == "invalidBearerToken")

            // Outsiders see the public fields only; admins see settings and quotas.
            let outside = try await jsr.get("/api/scopes/acme")
            #expect(outside.status == 200)
            #expect(outside.json?["quotas"] == nil)
            #expect(try await jsr.get("/api/scopes/acme", token: alice).json?["quotas"] != nil)
            #expect(try await jsr.get("/api/scopes/nothere").code == "scopeNotFound")
            #expect(try await jsr.get("/api/scopes/nothere").status == 404)

            let changed = try await jsr.call("PATCH", "/api/scopes/acme", token: alice, json: ["description": "Acme's modules"])
            #expect(changed.status == 200)
            #expect(changed.json?["description"] as? String == "Acme's modules")
            #expect(try await jsr.call("PATCH", "/api/scopes/acme", token: alice, json: ["ghActionsVerifyActor": true]).json?["ghActionsVerifyActor"] as? Bool == true)
            #expect(try await jsr.call("PATCH", "/api/scopes/acme", token: alice, json: ["description": "a", "ghActionsVerifyActor": true]).code == "malformedRequest")
            #expect(try await jsr.call("PATCH", "/api/scopes/acme", token: alice, json: ["ghActionsVerifyActor": 1]).code == "malformedRequest")
            let notAdmin = try await jsr.call("PATCH", "/api/scopes/acme", token: bob, json: ["description": "mine"])
            #expect(notAdmin.status == 403)
            #expect(notAdmin.code == "actorNotScopeAdmin")
            #expect(try await jsr.call("PATCH", "/api/scopes/nothere", token: alice, json: ["description": "x"]).status == 404)

            // A scope with packages cannot be deleted.
            #expect(try await jsr.call("POST", "/api/scopes/acme/packages", token: alice, json: ["package": "tools"]).status == 200)
            let notEmpty = try await jsr.call("DELETE", "/api/scopes/acme", token: alice)
            #expect(notEmpty.status == 409)
            #expect(notEmpty.code == "scopeNotEmpty")
            #expect(try await jsr.call("DELETE", "/api/scopes/acme", token: bob).code == "actorNotScopeAdmin")
            #expect(try await jsr.call("DELETE", "/api/scopes/acme/packages/tools", token: alice).status == 204)
            #expect(try await jsr.call("DELETE", "/api/scopes/acme", token: alice).status == 204)
            #expect(try await jsr.get("/api/scopes/acme").status == 404)
            #expect(try await jsr.call("DELETE", "/api/scopes/acme", token: alice).status == 404)
        }
    }

    @Test func membersAreInvitedAcceptAndKeepAnAdmin() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice"), bob = try await jsr.login("bob"), carol = try await jsr.login("carol")
            #expect(try await jsr.call("POST", "/api/scopes", token: alice, json: ["scope": "team"]).status == 200)
            let members = try await jsr.get("/api/scopes/team/members")
            #expect(members.array.count == 1)
            #expect(members.array.first?["isAdmin"] as? Bool == true)
            let aliceId = try #require((members.array.first?["user"] as? [String: Any])?["id"] as? String)
            let bobId = try #require(try await jsr.get("/api/user", token: bob).json?["id"] as? String)

            // Only admins invite; unknown users are 404; invites are not repeated.
            #expect(try await jsr.call("POST", "/api/scopes/team/members", token: bob, json: ["githubLogin": "carol"]).code == "actorNotScopeAdmin")
            #expect(try await jsr.call("POST", "/api/scopes/team/members", token: alice, json: ["githubLogin": "nobody"]).code == "userNotFound")
            #expect(try await jsr.call("POST", "/api/scopes/team/members", token: alice, json: ["githubLogin": "nobody"]).status == 404)
            let invite = try await jsr.call("POST", "/api/scopes/team/members", token: alice, json: ["githubLogin": "bob"])
            #expect(invite.status == 200)
            #expect((invite.json?["targetUser"] as? [String: Any])?["name"] as? String == "bob")
            #expect((invite.json?["requestingUser"] as? [String: Any])?["name"] as? String == "alice")
            #expect(try await jsr.call("POST", "/api/scopes/team/members", token: alice, json: ["id": bobId]).code == "alreadyInvited")
            #expect(try await jsr.call("POST", "/api/scopes/team/members", token: alice, json: ["githubLogin": "alice"]).code == "alreadyScopeMember")
            #expect(try await jsr.get("/api/scopes/team/invites", token: alice).array.count == 1)
            #expect(try await jsr.get("/api/scopes/team/invites", token: bob).status == 403)
            #expect(try await jsr.get("/api/user", token: bob).json?["inviteCount"] as? Int == 1)

            // Before accepting, bob is an outsider.
            let outsider = try await jsr.call("POST", "/api/scopes/team/packages", token: bob, json: ["package": "lib"])
            #expect(outsider.status == 403)
            #expect(outsider.code == "actorNotScopeMember")
            #expect(try await jsr.get("/api/user/invites", token: bob).array.first?["scope"] as? String == "team")
            #expect(try await jsr.call("POST", "/api/user/invites/other", token: bob).code == "scopeInviteNotFound")
            let accepted = try await jsr.call("POST", "/api/user/invites/team", token: bob)
            #expect(accepted.status == 200)
            #expect(accepted.json?["isAdmin"] as? Bool == false)
            #expect(try await jsr.get("/api/user/member/team", token: bob).json?["isAdmin"] as? Bool == false)
            #expect(try await jsr.get("/api/user/member/team", token: carol).code == "scopeMemberNotFound")
            #expect(try await jsr.get("/api/user/scopes", token: bob).array.map { $0["scope"] as? String } == ["team"])
            #expect(try await jsr.get("/api/users/\(bobId)/scopes").array.count == 1)
            #expect(try await jsr.get("/api/users/\(bobId)").json?["name"] as? String == "bob")
            #expect(try await jsr.get("/api/users/00000000-0000-0000-0000-000000000000").code == "userNotFound")

            // Members create packages but do not manage members.
            #expect(try await jsr.call("POST", "/api/scopes/team/packages", token: bob, json: ["package": "lib"]).status == 200)
            #expect(try await jsr.call("PATCH", "/api/scopes/team/members/\(aliceId)", token: bob, json: ["isAdmin": false]).code == "actorNotScopeAdmin")

            // The last admin can be neither demoted nor removed.
            let demote = try await jsr.call("PATCH", "/api/scopes/team/members/\(aliceId)", token: alice, json: ["isAdmin": false])
            #expect(demote.status == 400)
            #expect(demote.code == "scopeMustHaveAdmin")
            #expect(try await jsr.call("DELETE", "/api/scopes/team/members/\(aliceId)", token: alice).code == "scopeMustHaveAdmin")
            let promoted = try await jsr.call("PATCH", "/api/scopes/team/members/\(bobId)", token: alice, json: ["isAdmin": true])
            #expect(promoted.json?["isAdmin"] as? Bool == true)
            #expect(try await jsr.call("PATCH", "/api/scopes/team/members/\(aliceId)", token: alice, json: ["isAdmin": false]).status == 200)
            #expect(try await jsr.call("PATCH", "/api/scopes/team/members/00000000-0000-0000-0000-000000000000", token: bob, json: ["isAdmin": true]).code == "scopeMemberNotFound")
            #expect(try await jsr.call("DELETE", "/api/scopes/team/members/\(aliceId)", token: bob).status == 204)
            #expect(try await jsr.get("/api/scopes/team/members").array.count == 1)

            // Invites can be withdrawn by an admin or declined by the invitee.
            #expect(try await jsr.call("POST", "/api/scopes/team/members", token: bob, json: ["githubLogin": "carol"]).status == 200)
            #expect(try await jsr.call("DELETE", "/api/user/invites/team", token: carol).status == 204)
            #expect(try await jsr.get("/api/user/invites", token: carol).array.isEmpty)
            #expect(try await jsr.call("POST", "/api/scopes/team/members", token: bob, json: ["githubLogin": "carol"]).status == 200)
            let carolId = try #require(try await jsr.get("/api/user", token: carol).json?["id"] as? String)
            #expect(try await jsr.call("DELETE", "/api/scopes/team/invites/\(carolId)", token: bob).status == 204)
            #expect(try await jsr.call("DELETE", "/api/scopes/team/invites/\(carolId)", token: bob).code == "scopeInviteNotFound")
        }
    }

    @Test func packagesFollowMemberAndAdminRules() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice"), bob = try await jsr.login("bob"), carol = try await jsr.login("carol")
            #expect(try await jsr.call("POST", "/api/scopes", token: alice, json: ["scope": "kit"]).status == 200)
            #expect(try await jsr.call("POST", "/api/scopes/kit/members", token: alice, json: ["githubLogin": "bob"]).status == 200)
            #expect(try await jsr.call("POST", "/api/user/invites/kit", token: bob).status == 200)

            let created = try await jsr.call("POST", "/api/scopes/kit/packages", token: bob, json: ["package": "fmt"])
            #expect(created.status == 200)
            #expect(created.json?["versionCount"] as? Int == 0)
            #expect(created.json?["name"] as? String == "fmt")
            #expect(try await jsr.call("POST", "/api/scopes/kit/packages", token: bob, json: ["package": "fmt"]).code == "packageAlreadyExists")
            #expect(try await jsr.call("POST", "/api/scopes/kit/packages", token: bob, json: ["package": "fmt"]).status == 409)
            #expect(try await jsr.call("POST", "/api/scopes/kit/packages", token: bob, json: ["package": "Bad_Name"]).code == "invalidPackageName")
            #expect(try await jsr.call("POST", "/api/scopes/kit/packages", token: carol, json: ["package": "carols"]).code == "actorNotScopeMember")
            #expect(try await jsr.call("POST", "/api/scopes/none/packages", token: carol, json: ["package": "x1"]).code == "scopeNotFound")

            #expect(try await jsr.get("/api/scopes/kit/packages/fmt").json?["scope"] as? String == "kit")
            #expect(try await jsr.get("/api/scopes/kit/packages/nope").code == "packageNotFound")
            #expect(try await jsr.get("/api/scopes/kit/packages/nope").status == 404)

            // Members edit the description; archiving and the repository are for admins.
            #expect(try await jsr.call("PATCH", "/api/scopes/kit/packages/fmt", token: bob, json: ["description": "Formatting"]).json?["description"] as? String == "Formatting")
            #expect(try await jsr.call("PATCH", "/api/scopes/kit/packages/fmt", token: bob, json: ["description": String(repeating: "x", count: 251)]).code == "malformedRequest")
            #expect(try await jsr.call("PATCH", "/api/scopes/kit/packages/fmt", token: bob, json: ["isArchived": true]).code == "actorNotScopeAdmin")
            #expect(try await jsr.call("PATCH", "/api/scopes/kit/packages/fmt", token: carol, json: ["description": "x"]).code == "actorNotScopeMember")
            let compat = try await jsr.call("PATCH", "/api/scopes/kit/packages/fmt", token: bob, json: ["runtimeCompat": ["browser": true, "deno": true]])
            #expect((compat.json?["runtimeCompat"] as? [String: Any])?["browser"] as? Bool == true)
            let repo = try await jsr.call("PATCH", "/api/scopes/kit/packages/fmt", token: alice, json: ["githubRepository": ["owner": "acme", "name": "fmt"]])
            #expect((repo.json?["githubRepository"] as? [String: Any])?["owner"] as? String == "acme")
            #expect(try await jsr.call("PATCH", "/api/scopes/kit/packages/fmt", token: alice, json: ["isArchived": true]).json?["isArchived"] as? Bool == true)
            #expect(try await jsr.call("DELETE", "/api/scopes/kit/packages/fmt", token: bob).code == "actorNotScopeAdmin")
        }
    }

    @Test func listsArePagedWithValidatedBounds() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice")
            #expect(try await jsr.call("POST", "/api/scopes", token: alice, json: ["scope": "many"]).status == 200)
            for index in 0..<25 {
                #expect(try await jsr.call("POST", "/api/scopes/many/packages", token: alice, json: ["package": "pkg-\(index)"]).status == 200)
            }
            let first = try await jsr.get("/api/packages")
            #expect(first.json?["total"] as? Int == 25)
            #expect(first.items.count == 20)
            let second = try await jsr.get("/api/packages?page=2&limit=20")
            #expect(second.items.count == 5)
            #expect(try await jsr.get("/api/scopes/many/packages?limit=100").items.count == 25)
            #expect(try await jsr.get("/api/scopes/many/packages?page=9").items.isEmpty)
            #expect(try await jsr.get("/api/scopes/many/packages?page=9").json?["total"] as? Int == 25)
            #expect(try await jsr.get("/api/packages?limit=1").items.count == 1)
            #expect(try await jsr.get("/api/packages?query=pkg-24").json?["total"] as? Int == 1)
            for bad in ["page=0", "page=-1", "limit=0", "limit=101", "page=x", "limit=1.5"] {
                let response = try await jsr.get("/api/packages?\(bad)")
                #expect(response.status == 400, "\(bad)")
                #expect(response.code == "malformedRequest", "\(bad)")
                #expect(try await jsr.get("/api/scopes/many/packages?\(bad)").status == 400, "\(bad)")
            }
            // `(page - 1) * limit` overflowed for the largest pages and killed the process.
            for huge in ["page=9223372036854775807", "page=9223372036854775807&limit=100", "page=4611686018427387905&limit=2"] {
                for path in ["/api/packages", "/api/scopes/many/packages", "/api/scopes/many/packages/pkg-1/dependents"] {
                    let past = try await jsr.get("\(path)?\(huge)")
                    #expect(past.status == 200, "\(path)?\(huge)")
                    #expect(past.items.isEmpty, "\(path)?\(huge)")
                }
            }
            #expect(try await jsr.get("/api/packages?page=9223372036854775808").status == 400, "past Int.max is not an integer")
            #expect(try await jsr.get("/api/packages").json?["total"] as? Int == 25, "and the server goes on serving")
            #expect(try await jsr.get("/api/scopes/none/packages").code == "scopeNotFound")
            let unknown = try await jsr.get("/api/nothing/here")
            #expect(unknown.status == 404)
            #expect(unknown.code == "notFound")
        }
    }

    @Test func personalTokensAuthenticateUntilDeleted() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice")
            let created = try await jsr.call("POST", "/api/user/tokens", token: alice, json: ["description": "laptop"])
            #expect(created.status == 200)
            let secret = try #require(created.json?["secret"] as? String)
            let id = try #require(created.json?["id"] as? String)
            #expect(secret.hasPrefix("jsrp_"))
            #expect(try await jsr.get("/api/user", token: secret).json?["name"] as? String == "alice")
            let listed = try await jsr.get("/api/user/tokens", token: alice)
            #expect(listed.array.map { $0["id"] as? String } == [id])
            #expect(!listed.text.contains(secret))
            #expect(try await jsr.call("POST", "/api/user/tokens", token: alice, json: ["description": ""]).code == "malformedRequest")
            #expect(try await jsr.call("POST", "/api/user/tokens", token: alice, json: ["description": "old", "expiresAt": "2001-01-01T00:00:00.000Z"]).code == "malformedRequest")
            // RFC 3339 without fractional seconds is as valid.
            let plainTime = try await jsr.call("POST", "/api/user/tokens", token: alice, json: ["description": "ci", "expiresAt": "2099-01-01T00:00:00Z"])
            #expect(plainTime.status == 200, "\(plainTime.text)")
            #expect(try await jsr.call("POST", "/api/user/tokens", token: alice, json: ["description": "old", "expiresAt": "2001-01-01T00:00:00Z"]).code == "malformedRequest")
            #expect(try await jsr.call("POST", "/api/user/tokens", token: alice, json: ["description": "bad", "expiresAt": "2099-13-01T00:00:00Z"]).code == "malformedRequest")
            #expect(try await jsr.call("DELETE", "/api/user/tokens/\(id)", token: alice).status == 204)
            #expect(try await jsr.get("/api/user", token: secret).code == "invalidBearerToken")
            #expect(try await jsr.call("DELETE", "/api/user/tokens/\(id)", token: alice).code == "tokenNotFound")
        }
    }
}

/// The quotas a scope admin sees are the ones enforced.
@Suite struct JSRQuotaTests {
    @Test func scopeAndPackageQuotasAreEnforced() async throws {
        try await JSRFixture.with(configure: { $0.jsrQuotas.scopesPerUser = 1; $0.jsrQuotas.packagesPerScope = 2 }) { jsr in
            let alice = try await jsr.login("alice")
            #expect(try await jsr.call("POST", "/api/scopes", token: alice, json: ["scope": "first"]).status == 200)
            let second = try await jsr.call("POST", "/api/scopes", token: alice, json: ["scope": "second"])
            #expect(second.status == 400)
            #expect(second.code == "scopeLimitReached")
            #expect(try await jsr.get("/api/user", token: alice).json?["scopeLimit"] as? Int == 1)
            for name in ["one", "two"] { #expect(try await jsr.call("POST", "/api/scopes/first/packages", token: alice, json: ["package": name]).status == 200) }
            #expect(try await jsr.call("POST", "/api/scopes/first/packages", token: alice, json: ["package": "three"]).code == "scopePackageLimitExceeded")
            let quotas = try await jsr.get("/api/scopes/first", token: alice).json?["quotas"] as? [String: Any]
            #expect(quotas?["packageUsage"] as? Int == 2)
            #expect(quotas?["packageLimit"] as? Int == 2)
        }
    }

    @Test func weeklyQuotasAreEnforced() async throws {
        try await JSRFixture.with(configure: { $0.jsrQuotas.newPackagesPerWeek = 1; $0.jsrQuotas.publishAttemptsPerWeek = 2 }) { jsr in
            let alice = try await jsr.login("alice")
            try await jsr.makePackage("weekly", "pkg", token: alice)
            #expect(try await jsr.call("POST", "/api/scopes/weekly/packages", token: alice, json: ["package": "more"]).code == "weeklyPackageLimitExceeded")
            let broken = JSRFixture.tarball(["jsr.json": "{}", "mod.ts": "export {};"])
            #expect(try await jsr.publishAndWait("weekly", "pkg", "1.0.0", tarball: broken, token: alice)["status"] as? String == "failure")
            #expect(try await jsr.publishAndWait("weekly", "pkg", "1.0.0", tarball: JSRFixture.package("weekly", "pkg", "1.0.0"), token: alice)["status"] as? String == "success")
            let third = try await jsr.publish("weekly", "pkg", "1.0.1", tarball: JSRFixture.package("weekly", "pkg", "1.0.1"), token: alice)
            #expect(third.status == 400)
            #expect(third.code == "weeklyPublishAttemptsLimitExceeded")
            let quotas = try await jsr.get("/api/scopes/weekly", token: alice).json?["quotas"] as? [String: Any]
            #expect(quotas?["publishAttemptsPerWeekUsage"] as? Int == 2)
            #expect(quotas?["newPackagePerWeekUsage"] as? Int == 1)
        }
    }
}
