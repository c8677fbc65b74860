import Foundation
import JSON
import Testing
import WharfTestSupport

/// `wharf generate` with JSPM's deno provider, as a real process: deno.land given by `--upstream`
/// as any CDN host is, then the same map `--offline` from the store.
@Suite struct GenerateDenoCommandTests {
    /// 2.5.1 test/providers/deno.skipbrowser.test.js: `denoland:oak` → `https://deno.land/x/oak@v${oakVersion}/mod.ts`,
    /// `deno:path` → `https://deno.land/std@${denoStdVersion}/path/mod.ts`; oak's own `deno:path`
    /// import maps in the deno.land scope (2.5.1's `link('deno:path')` key).
    static let expected = #"""
    {"imports": {"oak": "https://deno.land/x/oak@v12.6.1/mod.ts", "path": "https://deno.land/std@0.224.0/path/mod.ts"},
     "scopes": {"https://deno.land/": {"deno:path": "https://deno.land/std@0.224.0/path/mod.ts"}}}
    """#

    @Test func onlineThenOffline() async throws {
        let origin = TestOrigin(routes: DenoFixture.routes)
        let originServer = try await origin.start()
        let dir = TemporaryDirectory("generate-deno")
        let base = ["generate", "denoland:oak", "deno:path", "--provider", "deno", "--data", dir.path + "/store",
                    "--upstream", "deno.land=http://127.0.0.1:\(originServer.port)"]

        let online = try await WharfProcess.run(base + ["-o", dir.path + "/online.json"])
        #expect(online.status == 0, "\(online.output)")
        #expect(try JSONValue.parse(Array(try #require(FileManager.default.contents(atPath: dir.path + "/online.json")))) == (try JSONValue.parse(Self.expected)))

        await originServer.stop()
        let offline = try await WharfProcess.run(base + ["--offline", "-o", dir.path + "/offline.json"])
        #expect(offline.status == 0, "\(offline.output)")
        #expect(try JSONValue.parse(Array(try #require(FileManager.default.contents(atPath: dir.path + "/offline.json")))) == (try JSONValue.parse(Self.expected)))
        #expect(origin.count("/x/oak/mod.ts") == 1)
    }
}
