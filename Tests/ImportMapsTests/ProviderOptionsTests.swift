import JSON
import Testing
@testable import ImportMaps

/// JSPM's provider options as the one reader sees them: what each means, and every value Wharf
/// cannot honour refused by name (GeneratorOptions of jspm/jspm's generator 2.16.3, generator/src/generator.ts, as in jspm/generator 2.5.1).
@Suite struct ProviderOptionsTests {
    /// The request reader and its refusals, as `GenerateRequestTests` drives them.
    static func request(_ fields: [String: JSONValue]) throws(ImportMapError) -> GenerateRequest {
        try GenerateRequestTests.request(fields)
    }

    static func refusal(_ fields: [String: JSONValue]) -> String? { GenerateRequestTests.refusal(fields) }

    /// `providers` keeps the order given (installer.ts `getProvider` takes the first match);
    /// a provider string may name a layer (`jspm.io#system`, as `parseProviderStr` splits it).
    @Test func providersAreReadInOrder() throws {
        let options = try Self.request(["providers": .string(#"{"@org":"unpkg","react":"jspm.io#system","npm:":"esm.sh"}"#)]).options
        #expect(options.providerRules == [
            try ProviderRule(key: "@org", provider: .unpkg), try ProviderRule(key: "react", provider: .jspmSystem),
            try ProviderRule(key: "npm:", provider: .esmSh),
        ])
    }

    /// installer.ts `getProvider`: a name matches itself and, as a prefix up to `/`, a scope's
    /// packages; `npm:` every npm package. `react` is not a prefix of `react-dom`.
    @Test func rulesMatchAsJSPMMatchesThem() throws {
        #expect(try ProviderRule(key: "@org", provider: .unpkg).matches("@org/pkg", version: nil))
        #expect(try ProviderRule(key: "@org", provider: .unpkg).matches("@orgs/pkg", version: nil) == false)
        #expect(try ProviderRule(key: "react", provider: .unpkg).matches("react", version: nil))
        #expect(try ProviderRule(key: "react", provider: .unpkg).matches("react-dom", version: nil) == false)
        #expect(try ProviderRule(key: "npm:", provider: .unpkg).matches("anything", version: nil))
        #expect(try ProviderRule(key: "react@18", provider: .unpkg).matches("react", version: .init("18.3.1")))
        #expect(try ProviderRule(key: "react@18", provider: .unpkg).matches("react", version: .init("17.0.2")) == false)
    }

    @Test func providerConfigCDNURLIsJSPMsRoot() throws {
        let options = try Self.request(["providerConfig": .object([("jspm.io", .object([("cdnUrl", .string("https://mirror.test/jspm/"))])), ("unpkg", .object([]))])]).options
        #expect(options.jspmCDN == "https://mirror.test/jspm/")
    }

    @Test(arguments: [
        (["providerConfig": JSONValue.string(#"{"unpkg":{"cdnUrl":"https://u.test/"}}"#)], "unsupported option providerConfig.unpkg.cdnUrl: in JSPM Generator 2.16.3 generating reads only jspm.io's cdnUrl (its authToken, publishUrl and rawUrl serve publishing)"),
        (["providerConfig": .string(#"{"jspm.io":{"apiUrl":"https://a.test/"}}"#)], "unsupported option providerConfig.jspm.io.apiUrl: in JSPM Generator 2.16.3 generating reads only jspm.io's cdnUrl (its authToken, publishUrl and rawUrl serve publishing)"),
        (["providerConfig": .string(#"{"jspm.io":{"cdnUrl":"https://a.test"}}"#)], "providerConfig.jspm.io.cdnUrl must be an http(s) URL ending in /"),
        (["providerConfig": .string(#"{"nope":{}}"#)], "unknown provider 'nope': use jspm.io, jspm.io#system, unpkg, jsdelivr, esm.sh, deno or local"),
        (["defaultRegistry": .string("denoland")], "unsupported option defaultRegistry: denoland (Wharf installs bare names from npm; name deno.land modules denoland:NAME and std modules deno:MODULE)"),
        (["providers": .string(#"{"x":"nodemodules"}"#)], "provider nodemodules is refused over HTTP: only wharf generate reads the local disk"),
        (["providers": .string(#"{"jsr:":"unpkg"}"#)], "providers: registry jsr: is not one Wharf resolves (only npm:)"),
        (["providers": .string(#"{"react@>>1":"unpkg"}"#)], "providers: react@>>1 has an invalid range"),
        (["providers": .string(#"["react"]"#)], "providers must be an object of package name, @scope or registry: → provider"),
    ])
    func whatWharfCannotHonourIsRefusedByName(fields: [String: JSONValue], message: String) {
        #expect(Self.refusal(fields) == message)
    }
}
