import Foundation
import JSON
import Testing
import WharfTestSupport
@testable import ImportMaps

/// The output URLs and shape of whole generated maps: `mapUrl`, `baseUrl`, `rootUrl`,
/// `combineSubpaths` and `integrity` for the input map's modules, on the npm fixture (Wharf's
/// public URL is http://wharf.test). Each expected map is written from JSPM Generator's documentation
/// of the option (generator/src/generator.ts `GeneratorOptions`, 2.16.3 unless named; 2.5.1 says the
/// same of mapUrl, baseUrl and rootUrl) and @jspm/import-map's rules.
@Suite struct GeneratorOutputTests {
    func generate(_ fixture: ComponentsFixture, _ installs: [String], _ change: (inout GenerateOptions) throws -> Void) async throws -> GenerateResult {
        var options = GenerateOptions()
        options.install = try installs.map { text throws(ImportMapError) in try InstallTarget.parse(text) }
        try change(&options)
        return try await fixture.generator.generate(options)
    }

    static func urls(map: String? = nil, base: String? = nil, root: String? = nil) throws -> MapURLs {
        try MapURLs(mapUrl: map, baseUrl: base, rootUrl: root, processBase: nil)
    }

    static func npm<T>(_ body: (ComponentsFixture) async throws -> T) async throws -> T {
        try await ComponentsFixture.with(routes: NpmFixture.routes, body)
    }

    /// `provider=local` with `mapUrl` a page in a sub-folder of Wharf's origin: GeneratorOptions.mapUrl
    /// "is used in order to output relative URLs for modules located on the same host as the import
    /// map". Every URL is Wharf's, so every URL (scope keys too) is relative to /site/sub/.
    /// staticDeps stay absolute, as JSPM's trace lists them.
    @Test func mapURLWritesSameOriginURLsRelative() async throws {
        try await Self.npm { fixture in
            let result = try await generate(fixture, ["app-lib"]) {
                $0.provider = .local
                $0.mapURLs = try Self.urls(map: "http://wharf.test/site/sub/index.html")
            }
            #expect(result.map == (try JSONValue.parse(#"""
            {"imports": {"app-lib": "../../cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js"},
             "scopes": {"../../cdn/ga.jspm.io/": {
               "dyn": "../../cdn/ga.jspm.io/npm:dyn@1.0.0/index.js",
               "shared": "../../cdn/ga.jspm.io/npm:shared@1.1.0/esm/index.js"}}}
            """#)), "\(result.map.serialized())")
            #expect(result.staticDeps == ["http://wharf.test/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js", "http://wharf.test/cdn/ga.jspm.io/npm:shared@1.1.0/esm/index.js"])

            // baseUrl alone is also the mapUrl (the Generator constructor: `baseUrl && !mapUrl`).
            let base = try await generate(fixture, ["app-lib"]) {
                $0.provider = .local
                $0.mapURLs = try Self.urls(base: "http://wharf.test/site/sub/")
            }
            #expect(base.map == result.map, "\(base.map.serialized())")
        }
    }

    /// GeneratorOptions.rootUrl: "takes precedence over mapUrl and is used to normalize all import map
    /// URLs as absolute paths against this URL" (jspm/jspm generator/test/api/rooturl.test.js: `/local/pkg/a.js`).
    @Test func rootURLWritesRootRelativeURLs() async throws {
        try await Self.npm { fixture in
            let result = try await generate(fixture, ["app-lib"]) {
                $0.provider = .local
                $0.integrity = true
                $0.mapURLs = try Self.urls(map: "http://wharf.test/site/sub/index.html", root: "http://wharf.test/")
            }
            #expect(result.map == .object([
                ("imports", .object([("app-lib", .string("/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js"))])),
                ("scopes", .object([("/cdn/ga.jspm.io/", .object([
                    ("dyn", .string("/cdn/ga.jspm.io/npm:dyn@1.0.0/index.js")),
                    ("shared", .string("/cdn/ga.jspm.io/npm:shared@1.1.0/esm/index.js")),
                ]))])),
                ("integrity", .object([
                    ("/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js", .string(try GeneratorTests.sri384("app-lib", "1.0.0", "browser.js"))),
                    ("/cdn/ga.jspm.io/npm:dyn@1.0.0/index.js", .string(try GeneratorTests.sri384("dyn", "1.0.0", "index.js"))),
                    ("/cdn/ga.jspm.io/npm:shared@1.1.0/esm/index.js", .string(try GeneratorTests.sri384("shared", "1.1.0", "esm/index.js"))),
                ])),
            ]), "\(result.map.serialized())")
        }
    }

    /// CDN URLs are on another host than the map: mapUrl changes none of them (GeneratorOptions.mapUrl).
    @Test func mapURLLeavesOtherOriginsAbsolute() async throws {
        try await Self.npm { fixture in
            let plain = try await generate(fixture, ["app-lib"]) { _ in }
            let placed = try await generate(fixture, ["app-lib"]) { $0.mapURLs = try Self.urls(map: "https://www.example.com/app/importmap.json") }
            #expect(placed.map == plain.map, "\(placed.map.serialized())")
        }
    }

    /// The input map is read as living at mapUrl (tracemap.ts `addInputMap`: `new ImportMap({ map,
    /// mapUrl, rootUrl }).rebase(this.mapUrl, this.rootUrl)`): its relative URLs resolve there and are
    /// written again for mapUrl and rootUrl. `mine` is Wharf's copy of dyn (a module with no imports,
    /// which JSPM's trace of the pin adds nothing for); the `./vendor/` scope is a custom mapping.
    @Test func theInputMapIsReadAtMapURL() async throws {
        try await Self.npm { fixture in
            let result = try await generate(fixture, ["app-lib"]) {
                $0.provider = .local
                $0.inputMap = try JSONValue.parse(#"{"imports": {"mine": "../cdn/ga.jspm.io/npm:dyn@1.0.0/index.js"}, "scopes": {"./vendor/": {"v": "../v.js"}}}"#)
                $0.mapURLs = try Self.urls(map: "http://wharf.test/site/index.html", root: "http://wharf.test/")
            }
            #expect(result.map == (try JSONValue.parse(#"""
            {"imports": {
               "app-lib": "/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js",
               "mine": "/cdn/ga.jspm.io/npm:dyn@1.0.0/index.js"},
             "scopes": {
               "/cdn/ga.jspm.io/": {
                 "dyn": "/cdn/ga.jspm.io/npm:dyn@1.0.0/index.js",
                 "shared": "/cdn/ga.jspm.io/npm:shared@1.1.0/esm/index.js"},
               "/site/vendor/": {"v": "/v.js"}}}
            """#)), "\(result.map.serialized())")
        }
    }

    /// import-map `combineSubpaths`, which 2.16.3's `getMap` applies by default (generator.ts:
    /// "When set to true or 'scopes' (default), only scoped mappings are combined. When set to
    /// 'both', both top-level imports and scoped mappings are combined. When set to false or 'none',
    /// combining is disabled entirely"): uses-kit's `kit/a.js` and `kit/b.js` (specifier tails equal
    /// to their files') become one `kit/` mapping in the scope; `kit` stays.
    @Test func combineSubpathsFoldsAPackagesSubpathsInScopes() async throws {
        try await Self.npm { fixture in
            let separate = try await generate(fixture, ["uses-kit"]) { $0.combineSubpaths = .none }
            #expect(separate.map == (try JSONValue.parse(#"""
            {"imports": {"uses-kit": "https://ga.jspm.io/npm:uses-kit@1.0.0/index.js"},
             "scopes": {"https://ga.jspm.io/": {
               "kit": "https://ga.jspm.io/npm:kit@1.0.0/index.js",
               "kit/a.js": "https://ga.jspm.io/npm:kit@1.0.0/a.js",
               "kit/b.js": "https://ga.jspm.io/npm:kit@1.0.0/b.js"}}}
            """#)), "\(separate.map.serialized())")
            let combined = try await generate(fixture, ["uses-kit"]) { _ in }
            #expect(combined.map == (try JSONValue.parse(#"""
            {"imports": {"uses-kit": "https://ga.jspm.io/npm:uses-kit@1.0.0/index.js"},
             "scopes": {"https://ga.jspm.io/": {
               "kit": "https://ga.jspm.io/npm:kit@1.0.0/index.js",
               "kit/": "https://ga.jspm.io/npm:kit@1.0.0/"}}}
            """#)), "\(combined.map.serialized())")
            // `scopes` leaves top-level installs as they are; `both` combines them too.
            let top = try await generate(fixture, ["kit/a.js", "kit/b.js"]) { $0.combineSubpaths = .scopes }
            #expect(top.map == (try JSONValue.parse(#"""
            {"imports": {"kit/a.js": "https://ga.jspm.io/npm:kit@1.0.0/a.js", "kit/b.js": "https://ga.jspm.io/npm:kit@1.0.0/b.js"}}
            """#)), "\(top.map.serialized())")
            let both = try await generate(fixture, ["kit/a.js", "kit/b.js"]) { $0.combineSubpaths = .both }
            #expect(both.map == (try JSONValue.parse(#"{"imports": {"kit/": "https://ga.jspm.io/npm:kit@1.0.0/"}}"#)), "\(both.map.serialized())")
        }
    }

    /// JSPM traces the input map's `imports` as pins (generator.ts `install` → `extractMap(pins)`), and
    /// its visitor sets integrity for every traced module (tracemap.ts `extractMap`: `map.setIntegrity`),
    /// so a module the input map brings gets integrity too (format: jspm/jspm generator/test/api/integrity.test.js). Here
    /// other@2.0.0's own import (`shared@^1.1.0`) is shared@1.1.0, already mapped.
    @Test func integrityCoversTheInputMapsModules() async throws {
        try await Self.npm { fixture in
            let result = try await generate(fixture, ["app-lib"]) {
                $0.integrity = true
                $0.inputMap = try JSONValue.parse(#"{"imports": {"other": "https://ga.jspm.io/npm:other@2.0.0/lib/main.js"}}"#)
            }
            #expect(result.map == .object([
                ("imports", .object([
                    ("app-lib", .string("https://ga.jspm.io/npm:app-lib@1.0.0/browser.js")),
                    ("other", .string("https://ga.jspm.io/npm:other@2.0.0/lib/main.js")),
                ])),
                ("scopes", .object([("https://ga.jspm.io/", .object([
                    ("dyn", .string("https://ga.jspm.io/npm:dyn@1.0.0/index.js")),
                    ("shared", .string("https://ga.jspm.io/npm:shared@1.1.0/esm/index.js")),
                ]))])),
                ("integrity", .object([
                    ("https://ga.jspm.io/npm:app-lib@1.0.0/browser.js", .string(try GeneratorTests.sri384("app-lib", "1.0.0", "browser.js"))),
                    ("https://ga.jspm.io/npm:dyn@1.0.0/index.js", .string(try GeneratorTests.sri384("dyn", "1.0.0", "index.js"))),
                    ("https://ga.jspm.io/npm:other@2.0.0/lib/main.js", .string(try GeneratorTests.sri384("other", "2.0.0", "lib/main.js"))),
                    ("https://ga.jspm.io/npm:shared@1.1.0/esm/index.js", .string(try GeneratorTests.sri384("shared", "1.1.0", "esm/index.js"))),
                ])),
            ]), "\(result.map.serialized())")
        }
    }

    /// A module of the input map Wharf cannot read (its host is not an upstream) cannot be hashed:
    /// JSPM fails to analyze such a module; Wharf names it rather than leave it without integrity.
    @Test func integrityOfAnUnreadableInputModuleIsRefused() async throws {
        try await Self.npm { fixture in
            do {
                let result = try await generate(fixture, ["dyn"]) {
                    $0.integrity = true
                    $0.inputMap = try JSONValue.parse(#"{"imports": {"mine": "https://example.com/mine.js"}}"#)
                }
                Issue.record("generated \(result.map.serialized())")
            } catch let error as ImportMapError {
                #expect(error.kind == .invalid)
                #expect(error.message.hasPrefix("integrity: cannot read the input map's https://example.com/mine.js"), "\(error.message)")
            }
        }
    }
}
