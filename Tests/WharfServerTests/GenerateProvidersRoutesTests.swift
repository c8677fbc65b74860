import Foundation
import Testing
import WharfTestSupport

/// `/generate`'s provider options over HTTP: a query carries `providers` as JSON text; a provider
/// host outside `[upstreams]` and the `nodemodules` provider are 400s naming them.
@Suite struct GenerateProvidersRoutesTests {
    /// test/providers/scopeprovider.test.js's `providers` option, GET form (the seed: "JSON
    /// encoding for objects"): shared on unpkg, the rest on jspm.io.
    @Test func providersInAQuery() async throws {
        try await CDNFixture.with(routes: NpmFixture.routes) { cdn in
            let query = "install=app-lib&providers=" + #"{"shared":"unpkg"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let response = try await cdn.get("/generate?" + query)
            #expect(response.status == 200, "\(response.text)")
            let map = try #require(response.json?["map"] as? NSDictionary)
            #expect(map == [
                "imports": ["app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js"],
                "scopes": ["https://ga.jspm.io/": ["dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js", "shared": "https://unpkg.com/shared@1.1.0/esm/index.js"]],
            ] as NSDictionary, "\(response.text)")
        }
    }

    @Test(arguments: [
        ("install=app-lib&provider=jspm.io%23system", "provider jspm.io#system needs host ga.system.jspm.io, which is not in [upstreams]"),
        ("install=app-lib&provider=nodemodules", "provider nodemodules is refused over HTTP: only wharf generate reads the local disk"),
        ("install=app-lib&defaultRegistry=deno", "unsupported option defaultRegistry: deno (Wharf installs bare names from npm; name deno.land modules denoland:NAME and std modules deno:MODULE)"),
    ])
    func refusalsAre400(query: String, message: String) async throws {
        try await CDNFixture.with(routes: NpmFixture.routes) { cdn in
            let response = try await cdn.get("/generate?" + query)
            #expect(response.status == 400, "\(response.text)")
            #expect(response.json?["error"] as? String == message)
        }
    }
}
