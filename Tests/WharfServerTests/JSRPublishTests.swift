import Crypto
import Foundation
import Tarball
import Testing
import WharfServer
import WharfTestSupport

/// Publishing to the JSR API and serving what was published, through real HTTP.
@Suite struct JSRPublishTests {
    @Test func aPublishedVersionIsServedWithItsManifestAndGraph() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice")
            try await jsr.makePackage("std", "greet", token: alice)
            let imports = "import { format } from \"jsr:@std/fmt@^1.0.0/colors\";\nimport preact from \"npm:preact@^10.19.0\";\n"
            let tarball = JSRFixture.package("std", "greet", "1.2.0", imports: imports)
            let accepted = try await jsr.publish("std", "greet", "1.2.0", tarball: tarball, token: alice)
            #expect(accepted.status == 200)
            #expect(accepted.json?["status"] as? String == "pending")
            #expect(accepted.json?["packageScope"] as? String == "std")
            #expect(accepted.json?.keys.contains("error") == true)
            let task = try await jsr.finish(accepted.json)
            #expect(task["status"] as? String == "success", "\(task)")
            #expect(try await jsr.get("/api/publishing_tasks/\(task["id"] as? String ?? "")").json?["status"] as? String == "success")

            // meta.json: versions and latest, cached for a minute.
            let meta = try await jsr.get("/@std/greet/meta.json")
            #expect(meta.status == 200)
            #expect(meta.header("Cache-Control") == "public, max-age=60")
            #expect(meta.json?["latest"] as? String == "1.2.0")
            #expect(meta.json?["scope"] as? String == "std")
            #expect((meta.json?["versions"] as? [String: Any])?["1.2.0"] != nil)
            for path in ["/@std/greet/meta.json", "/@std/greet/1.2.0_meta.json", "/@std/greet/1.2.0/mod.ts"] {
                let get = try await jsr.get(path)
                let head = try await jsr.call("HEAD", path)
                #expect(head.status == 200, "\(path)")
                #expect(head.body.isEmpty, "\(path)")
                #expect(head.header("Content-Length") == String(get.body.count), "\(path)")
                #expect(get.header("Content-Length") == String(get.body.count), "\(path)")
            }

            // _meta.json: every file with its size and sha256, verified against the served bytes.
            let versionMeta = try await jsr.get("/@std/greet/1.2.0_meta.json")
            #expect(versionMeta.header("Cache-Control")?.contains("immutable") == true)
            let manifest = try #require(versionMeta.json?["manifest"] as? [String: [String: Any]])
            let entries = try TarballReader.extract(tarball, stripSingleTopFolder: false)
            #expect(Set(manifest.keys) == Set(entries.map { "/" + $0.path }))
            for entry in entries {
                let served = try await jsr.get("/@std/greet/1.2.0/\(entry.path)")
                #expect(served.status == 200)
                #expect(served.body == entry.bytes, "\(entry.path)")
                #expect(served.header("Access-Control-Allow-Origin") == "*")
                #expect(served.header("Cache-Control")?.contains("immutable") == true)
                let checksum = "sha256-" + SHA256.hash(data: entry.bytes).map { String(format: "%02x", $0) }.joined()
                #expect(manifest["/" + entry.path]?["checksum"] as? String == checksum)
                #expect(manifest["/" + entry.path]?["size"] as? Int == entry.bytes.count)
            }
            #expect(try await jsr.get("/@std/greet/1.2.0/mod.ts").header("Content-Type")?.contains("typescript") == true)
            let exportsText = String(decoding: versionMeta.body, as: UTF8.self)
            #expect(exportsText.contains("\"exports\":{\".\":\"./mod.ts\",\"./util\":\"./lib/util.js\"}"))
            let graph = try #require(versionMeta.json?["moduleGraph2"] as? [String: [String: Any]])
            let modDependencies = try #require(graph["/mod.ts"]?["dependencies"] as? [[String: Any]])
            #expect(Set(modDependencies.compactMap { $0["specifier"] as? String }) == ["jsr:@std/fmt@^1.0.0/colors", "npm:preact@^10.19.0", "./lib/util.js"])

            // Dependencies, versions and the package record.
            let dependencies = try await jsr.get("/api/scopes/std/packages/greet/versions/1.2.0/dependencies").array
            #expect(dependencies.contains { $0["kind"] as? String == "jsr" && $0["name"] as? String == "@std/fmt" && $0["constraint"] as? String == "^1.0.0" && $0["path"] as? String == "/colors" })
            #expect(dependencies.contains { $0["kind"] as? String == "npm" && $0["name"] as? String == "preact" })
            let version = try await jsr.get("/api/scopes/std/packages/greet/versions/1.2.0")
            #expect(version.json?["usesNpm"] as? Bool == true)
            #expect(version.json?["yanked"] as? Bool == false)
            let package = try await jsr.get("/api/scopes/std/packages/greet")
            #expect(package.json?["latestVersion"] as? String == "1.2.0")
            #expect(package.json?["versionCount"] as? Int == 1)
            #expect(package.json?["dependencyCount"] as? Int == 2)

            // Missing things are 404 with jsr.io's codes.
            #expect(try await jsr.get("/api/scopes/std/packages/greet/versions/9.9.9").code == "packageVersionNotFound")
            #expect(try await jsr.get("/api/scopes/std/packages/greet/versions/v1.2.0").code == "invalidVersion")
            #expect(try await jsr.get("/api/publishing_tasks/00000000-0000-0000-0000-000000000000").code == "publishNotFound")
            #expect(try await jsr.get("/@std/greet/1.2.0/missing.ts").status == 404)
            #expect(try await jsr.get("/@std/greet/9.9.9_meta.json").status == 404)
            #expect(try await jsr.get("/@std/none/meta.json").status == 404)
            #expect(try await jsr.get("/@std/greet/1.2.0/../../x").status == 404)

            // Deleting a package with versions is refused.
            let notEmpty = try await jsr.call("DELETE", "/api/scopes/std/packages/greet", token: alice)
            #expect(notEmpty.status == 409)
            #expect(notEmpty.code == "packageNotEmpty")
        }
    }

    @Test func dependentsYankingAndStats() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice"), bob = try await jsr.login("bob")
            try await jsr.makePackage("lib", "base", token: alice)
            try await jsr.makePackage("lib", "app", token: alice)
            #expect(try await jsr.publishAndWait("lib", "base", "1.0.0", tarball: JSRFixture.package("lib", "base", "1.0.0"), token: alice)["status"] as? String == "success")
            #expect(try await jsr.publishAndWait("lib", "base", "1.1.0", tarball: JSRFixture.package("lib", "base", "1.1.0"), token: alice)["status"] as? String == "success")
            #expect(try await jsr.publishAndWait("lib", "base", "2.0.0-rc.1", tarball: JSRFixture.package("lib", "base", "2.0.0-rc.1"), token: alice)["status"] as? String == "success")
            let importBase = "import \"jsr:@lib/base@^1.0.0\";\n"
            for version in ["0.1.0", "0.2.0"] {
                let task = try await jsr.publishAndWait("lib", "app", version, tarball: JSRFixture.package("lib", "app", version, imports: importBase), token: alice)
                #expect(task["status"] as? String == "success")
            }

            let dependents = try await jsr.get("/api/scopes/lib/packages/base/dependents")
            #expect(dependents.json?["total"] as? Int == 1)
            #expect(dependents.items.first?["package"] as? String == "app")
            #expect(dependents.items.first?["versions"] as? [String] == ["0.2.0", "0.1.0"])
            #expect(try await jsr.get("/api/scopes/lib/packages/base/dependents?versions_per_package_limit=1").items.first?["versions"] as? [String] == ["0.2.0"])
            #expect(try await jsr.get("/api/scopes/lib/packages/base/dependents?versions_per_package_limit=11").status == 400)
            #expect(try await jsr.get("/api/scopes/lib/packages/base").json?["dependentCount"] as? Int == 1)

            // Prereleases are never latest; versions list newest first.
            #expect(try await jsr.get("/@lib/base/meta.json").json?["latest"] as? String == "1.1.0")
            #expect(try await jsr.get("/api/scopes/lib/packages/base/versions").array.map { $0["version"] as? String } == ["2.0.0-rc.1", "1.1.0", "1.0.0"])

            // Only admins yank; a yanked version stays downloadable but is not latest.
            #expect(try await jsr.call("POST", "/api/scopes/lib/members", token: alice, json: ["githubLogin": "bob"]).status == 200)
            #expect(try await jsr.call("POST", "/api/user/invites/lib", token: bob).status == 200)
            #expect(try await jsr.call("PATCH", "/api/scopes/lib/packages/base/versions/1.1.0", token: bob, json: ["yanked": true]).code == "actorNotScopeAdmin")
            let yanked = try await jsr.call("PATCH", "/api/scopes/lib/packages/base/versions/1.1.0", token: alice, json: ["yanked": true])
            #expect(yanked.json?["yanked"] as? Bool == true)
            let meta = try await jsr.get("/@lib/base/meta.json")
            #expect(meta.json?["latest"] as? String == "1.0.0")
            #expect(((meta.json?["versions"] as? [String: Any])?["1.1.0"] as? [String: Any])?["yanked"] as? Bool == true)
            #expect(try await jsr.get("/@lib/base/1.1.0/mod.ts").status == 200)
            #expect(try await jsr.call("PATCH", "/api/scopes/lib/packages/base/versions/3.0.0", token: alice, json: ["yanked": true]).code == "packageVersionNotFound")

            let stats = try await jsr.get("/api/stats")
            #expect((stats.json?["newest"] as? [[String: Any]])?.count == 2)
            #expect((stats.json?["updated"] as? [[String: Any]])?.first?["version"] as? String == "0.2.0")
        }
    }

    @Test func oneOfManyConcurrentPublishesOfAVersionWins() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice")
            try await jsr.makePackage("race", "pkg", token: alice)
            let tarball = JSRFixture.package("race", "pkg", "1.0.0")
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<8 { group.addTask { try await jsr.publish("race", "pkg", "1.0.0", tarball: tarball, token: alice) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let accepted = responses.filter { $0.status == 200 }
            #expect(accepted.count == 1)
            let refused = responses.filter { $0.status == 400 }
            #expect(refused.count == 7)
            #expect(refused.allSatisfy { $0.code == "duplicateVersionPublish" && ($0.json?["task"] as? [String: Any])?["id"] as? String == accepted.first?.json?["id"] as? String })
            #expect(try await jsr.finish(accepted.first?.json)["status"] as? String == "success")
            let again = try await jsr.publish("race", "pkg", "1.0.0", tarball: tarball, token: alice)
            #expect(again.code == "duplicateVersionPublish")
            #expect(try await jsr.get("/api/scopes/race/packages/pkg/versions").array.count == 1)
        }
    }

    @Test func aTaskPendingAtShutdownCompletesAfterARestart() async throws {
        let data = TemporaryDirectory("jsr-restart")
        let first = try await JSRFixture(data: data) { $0.jsrProcessTasks = false }
        let alice = try await first.login("alice")
        try await first.makePackage("later", "pkg", token: alice)
        let accepted = try await first.publish("later", "pkg", "1.0.0", tarball: JSRFixture.package("later", "pkg", "1.0.0"), token: alice)
        #expect(accepted.status == 200)
        let id = try #require(accepted.json?["id"] as? String)
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await first.get("/api/publishing_tasks/\(id)").json?["status"] as? String == "pending")
        #expect(try await first.get("/@later/pkg/meta.json").status == 404)
        await first.stop()

        let second = try await JSRFixture(data: data)
        let task = try await second.finish(["id": id])
        #expect(task["status"] as? String == "success")
        #expect(try await second.get("/@later/pkg/1.0.0/lib/util.js").text == "export function helper() { return 42; }\n")
        await second.stop()
    }

    @Test func aTarballOverTheLimitIsRefusedAtOnce() async throws {
        try await JSRFixture.with(configure: { $0.jsrLimits.maxTarballSize = 2000 }) { jsr in
            let alice = try await jsr.login("alice")
            try await jsr.makePackage("big", "pkg", token: alice)
            let noise = (0..<20_000).map { _ in UInt8.random(in: 0...255) }
            var tar = TarWriter()
            tar.addFile("./jsr.json", contents: "{\"name\":\"@big/pkg\",\"exports\":\"./mod.js\"}")
            tar.addFile("./mod.js", bytes: noise)
            let response = try await jsr.publish("big", "pkg", "1.0.0", tarball: tar.archive(compression: .gzip), token: alice)
            #expect(response.status == 413)
            #expect(response.code == "tarballSizeLimitExceeded")
            #expect(try await jsr.get("/api/scopes/big/packages/pkg/versions").array.isEmpty)
            // The refused upload leaves no task behind: the version can still be published.
            #expect(try await jsr.publishAndWait("big", "pkg", "1.0.0", tarball: JSRFixture.package("big", "pkg", "1.0.0"), token: alice)["status"] as? String == "success")
        }
    }

    @Test func publishRefusalsThatNeedNoUnpacking() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice"), carol = try await jsr.login("carol")
            try await jsr.makePackage("gate", "pkg", token: alice)
            let tarball = JSRFixture.package("gate", "pkg", "1.0.0")
            #expect(try await jsr.publish("gate", "pkg", "1.0.0", tarball: tarball, token: carol).code == "actorNotScopeMember")
            #expect(try await jsr.publish("gate", "pkg", "1.0.0", tarball: tarball, token: carol).status == 403)
            let anonymous = try await jsr.call("POST", "/api/scopes/gate/packages/pkg/versions/1.0.0?config=/jsr.json", body: tarball)
            #expect(anonymous.status == 401)
            #expect(try await jsr.publish("gate", "nope", "1.0.0", tarball: tarball, token: alice).code == "packageNotFound")
            #expect(try await jsr.publish("gate", "pkg", "1.0", tarball: tarball, token: alice).code == "invalidVersion")
            #expect(try await jsr.publish("gate", "pkg", "v1.0.0", tarball: tarball, token: alice).code == "invalidVersion")
            let noConfig = try await jsr.call("POST", "/api/scopes/gate/packages/pkg/versions/1.0.0", token: alice, body: tarball)
            #expect(noConfig.code == "malformedRequest")
            #expect(try await jsr.call("PATCH", "/api/scopes/gate", token: alice, json: ["requirePublishingFromCI": true]).status == 200)
            #expect(try await jsr.publish("gate", "pkg", "1.0.0", tarball: tarball, token: alice).code == "actorNotAuthorized")
        }
    }
}
