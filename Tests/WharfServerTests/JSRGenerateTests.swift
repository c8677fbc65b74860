import Foundation
import Testing
import WharfTestSupport

/// `/generate` with `jsr:` installs resolves against Wharf's JSR registry.
@Suite struct JSRGenerateTests {
    @Test func jsrInstallsMapToTheRegistrysURLs() async throws {
        try await JSRFixture.with { jsr in
            let alice = try await jsr.login("alice")
            for name in ["base", "app", "typed"] { try await jsr.makePackage("gen", name, token: alice) }
            for version in ["1.0.0", "1.1.0", "2.0.0"] {
                let base = JSRFixture.tarball([
                    "jsr.json": "{\"name\": \"@gen/base\", \"exports\": \"./mod.js\"}",
                    "mod.js": "export const base = \"\(version)\";\n",
                ])
                #expect(try await jsr.publishAndWait("gen", "base", version, tarball: base, token: alice)["status"] as? String == "success")
            }
            #expect(try await jsr.call("PATCH", "/api/scopes/gen/packages/base/versions/1.1.0", token: alice, json: ["yanked": true]).status == 200)
            let app = JSRFixture.tarball([
                "jsr.json": "{\"name\": \"@gen/app\", \"exports\": {\".\": \"./mod.js\", \"./extra\": \"./extra.js\"}}",
                "mod.js": "import { base } from \"jsr:@gen/base@^1.0.0\";\nimport { helper } from \"./util.js\";\nexport const app = () => import(\"./lazy.js\");\n",
                "util.js": "export const helper = 1;\n",
                "lazy.js": "export default 2;\n",
                "extra.js": "export const extra = 3;\n",
            ])
            #expect(try await jsr.publishAndWait("gen", "app", "0.3.0", tarball: app, token: alice)["status"] as? String == "success")

            let generated = try await jsr.get("/generate?install=jsr:@gen/app@^0.3.0,jsr:@gen/app@^0.3.0/extra")
            #expect(generated.status == 200, "\(generated.text)")
            let map = try #require(generated.json?["map"] as? [String: Any])
            let imports = try #require(map["imports"] as? [String: String])
            #expect(imports["@gen/app"] == "http://wharf.test/@gen/app/0.3.0/mod.js")
            #expect(imports["@gen/app/extra"] == "http://wharf.test/@gen/app/0.3.0/extra.js")
            let scopes = try #require(map["scopes"] as? [String: [String: String]])
            // 1.1.0 is yanked: ^1.0.0 resolves to 1.0.0.
            #expect(scopes["http://wharf.test/"]?["jsr:@gen/base@^1.0.0"] == "http://wharf.test/@gen/base/1.0.0/mod.js")
            let staticDeps = try #require(generated.json?["staticDeps"] as? [String])
            #expect(Set(staticDeps) == ["http://wharf.test/@gen/app/0.3.0/mod.js", "http://wharf.test/@gen/app/0.3.0/util.js",
                                        "http://wharf.test/@gen/app/0.3.0/extra.js", "http://wharf.test/@gen/base/1.0.0/mod.js"])
            #expect(generated.json?["dynamicDeps"] as? [String] == ["http://wharf.test/@gen/app/0.3.0/lazy.js"])

            #expect(try await jsr.get("/generate?install=jsr:@gen/base").json.flatMap { ($0["map"] as? [String: Any])?["imports"] as? [String: String] }?["@gen/base"]
                    == "http://wharf.test/@gen/base/2.0.0/mod.js")
            let unresolvable = try await jsr.get("/generate?install=jsr:@gen/base@^3")
            #expect(unresolvable.status == 404)
            #expect(unresolvable.text.contains("Unable to resolve jsr:@gen/base@^3"))
            #expect(try await jsr.get("/generate?install=jsr:@gen/none").status == 404)

            // TypeScript exports cannot go into a browser map.
            let typed = JSRFixture.tarball(["jsr.json": "{\"name\": \"@gen/typed\", \"exports\": \"./mod.ts\"}", "mod.ts": "export const x: number = 1;\n"])
            #expect(try await jsr.publishAndWait("gen", "typed", "1.0.0", tarball: typed, token: alice)["status"] as? String == "success")
            let refused = try await jsr.get("/generate?install=jsr:@gen/typed")
            #expect(refused.status == 400)
            #expect(refused.text.contains("publish JavaScript"))
        }
    }
}
