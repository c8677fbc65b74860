import Foundation
import Testing
import WharfServer
import WharfTestSupport

/// `/generate` with JSPM's deno provider over HTTP, GET and POST, on `DenoFixture`'s deno.land
/// (an upstream host like the CDNs, mapped to the fixture origin).
@Suite struct GenerateDenoRoutesTests {
    static let routes = NpmFixture.routes.merging(DenoFixture.routes) { $1 }

    /// `[upstreams]` with deno.land, at the fixture origin.
    static func allowingDenoLand(_ configuration: inout WharfConfiguration) {
        guard let origin = configuration.upstreams.first(where: { $0.host == "ga.jspm.io" })?.origin else { return }
        try! configuration.addUpstream("deno.land=\(origin)")
    }

    /// 2.5.1 test/providers/deno.skipbrowser.test.js: `oak` → `https://deno.land/x/oak@v${oakVersion}/mod.ts`,
    /// and `deno:path` → `https://deno.land/std@${denoStdVersion}/path/mod.ts` (a `deno:path` import
    /// inside oak maps in the deno.land scope, as 2.5.1's `link('deno:path')` maps it).
    static var oakAndPath: NSDictionary { [
        "imports": ["oak": "https://deno.land/x/oak@v12.6.1/mod.ts", "path": "https://deno.land/std@0.224.0/path/mod.ts"],
        "scopes": ["https://deno.land/": ["deno:path": "https://deno.land/std@0.224.0/path/mod.ts"]],
    ] }

    @Test func getWithACommaList() async throws {
        try await CDNFixture.with(routes: Self.routes, configure: Self.allowingDenoLand) { cdn in
            let response = try await cdn.get("/generate?install=denoland:oak,deno:path&provider=deno")
            #expect(response.status == 200, "\(response.text)")
            #expect(response.json?["map"] as? NSDictionary == Self.oakAndPath, "\(response.text)")
        }
    }

    @Test func postWithJSON() async throws {
        try await CDNFixture.with(routes: Self.routes, configure: Self.allowingDenoLand) { cdn in
            let body = try JSONSerialization.data(withJSONObject: ["install": ["denoland:oak", "deno:path"], "defaultProvider": "deno"])
            let response = try await cdn.client.request(cdn.wharf.baseURL + "/generate", method: .POST, headers: [("Content-Type", "application/json")], body: Array(body))
            #expect(response.status == 200, "\(response.text)")
            #expect(response.json?["map"] as? NSDictionary == Self.oakAndPath, "\(response.text)")
        }
    }

    /// deno.land outside `[upstreams]`: a 400 naming the provider and the host.
    @Test func denoLandNotAllowlistedIs400() async throws {
        try await CDNFixture.with(routes: Self.routes) { cdn in
            let response = try await cdn.get("/generate?install=denoland:oak&provider=deno")
            #expect(response.status == 400, "\(response.text)")
            #expect(response.json?["error"] as? String == "provider deno needs host deno.land, which is not in [upstreams]")
        }
    }
}
