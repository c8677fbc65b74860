import Crypto
import Foundation
import JSON
import Testing
import WharfTestSupport
@testable import ImportMaps

/// `Generator` (and `GeneratorRun` through it) against the npm world of `NpmFixture`, asserting
/// whole maps. Each expected map is written from the jspm.io API seed and REFERENCE.md: top-level
/// installs in `imports`, their dependencies in the `https://ga.jspm.io/` scope, a package scope
/// only where versions conflict, conditions in the package's key order, legacy fields after.
@Suite struct GeneratorTests {
    func generate(_ fixture: ComponentsFixture, _ installs: [String], _ change: (inout GenerateOptions) -> Void = { _ in }) async throws -> GenerateResult {
        var options = GenerateOptions()
        options.install = try installs.map { text throws(ImportMapError) in try InstallTarget.parse(text) }
        change(&options)
        return try await fixture.generator.generate(options)
    }

    static func map(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

    static func sri384(_ package: String, _ version: String, _ file: String) throws -> String {
        let text = try #require(NpmFixture.packages[package]?[version]?[file])
        return "sha384-" + Data(SHA384.hash(data: Array(text.utf8))).base64EncodedString()
    }

    /// Runs `body` against the npm fixture.
    static func npm<T>(_ body: (ComponentsFixture) async throws -> T) async throws -> T {
        try await ComponentsFixture.with(routes: NpmFixture.routes, body)
    }

    /// app-lib's `.` export picks `browser` (the default env has it); its `shared@^1.0.0` takes the
    /// highest 1.x, its `dyn@1` is imported only dynamically: both are scoped to the CDN origin.
    @Test func oneInstallWithItsDependencies() async throws {
        try await Self.npm { fixture in
            let result = try await generate(fixture, ["app-lib"])
            #expect(result.map == (try Self.map(#"""
            {"imports": {"app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js"},
             "scopes": {"https://ga.jspm.io/": {
               "dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js",
               "shared": "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"}}}
            """#)), "\(result.map.serialized())")
            #expect(result.staticDeps == ["https://ga.jspm.io/npm:app-lib@1.0.0/browser.js", "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"])
            #expect(result.dynamicDeps == ["https://ga.jspm.io/npm:dyn@1.0.0/index.js"])
            #expect(result.graph == nil)
        }
    }

    /// `shared@^1.0.0` (app-lib) and `shared@^1.1.0` (other) meet at one version; other's `main`
    /// has no extension and is found as a file; a peer dependency maps like a dependency.
    @Test func dependenciesShareAVersionWhereTheirRangesMeet() async throws {
        try await Self.npm { fixture in
            let both = try await generate(fixture, ["app-lib", "other"])
            #expect(both.map == (try Self.map(#"""
            {"imports": {
               "app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js",
               "other": "https://ga.jspm.io/npm:other@2.0.0/lib/main.js"},
             "scopes": {"https://ga.jspm.io/": {
               "dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js",
               "shared": "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"}}}
            """#)), "\(both.map.serialized())")
            #expect(both.staticDeps == [
                "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js", "https://ga.jspm.io/npm:other@2.0.0/lib/main.js",
                "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js",
            ])

            let peer = try await generate(fixture, ["peer-user"])
            #expect(peer.map == (try Self.map(#"""
            {"imports": {"peer-user": "https://ga.jspm.io/npm:peer-user@1.0.0/index.js"},
             "scopes": {"https://ga.jspm.io/": {"shared": "https://ga.jspm.io/npm:shared@2.0.0/esm/index.js"}}}
            """#)), "\(peer.map.serialized())")
        }
    }

    /// conflict needs `shared@^2.0.0` where app-lib already holds 1.1.0 in the origin scope: the
    /// conflicting version goes to conflict's own package scope.
    @Test func aConflictingVersionGetsThePackagesOwnScope() async throws {
        try await Self.npm { fixture in
            let result = try await generate(fixture, ["app-lib", "conflict"])
            #expect(result.map == (try Self.map(#"""
            {"imports": {
               "app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js",
               "conflict": "https://ga.jspm.io/npm:conflict@1.0.0/index.js"},
             "scopes": {
               "https://ga.jspm.io/": {
                 "dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js",
                 "shared": "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"},
               "https://ga.jspm.io/npm:conflict@1.0.0/": {
                 "shared": "https://ga.jspm.io/npm:shared@2.0.0/esm/index.js"}}}
            """#)), "\(result.map.serialized())")
        }
    }

    /// A top-level `shared@2` does not serve app-lib's `^1.0.0`: the dependency keeps its own range.
    @Test func aTopLevelInstallOutOfADependencysRange() async throws {
        try await Self.npm { fixture in
            let result = try await generate(fixture, ["shared@2", "app-lib"])
            #expect(result.map == (try Self.map(#"""
            {"imports": {
               "app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js",
               "shared": "https://ga.jspm.io/npm:shared@2.0.0/esm/index.js"},
             "scopes": {"https://ga.jspm.io/": {
               "dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js",
               "shared": "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"}}}
            """#)), "\(result.map.serialized())")
        }
    }

    /// Without `browser` in env, app-lib's `.` falls to `default` (index.js, which imports nothing).
    @Test func envConditionsPickTheExport() async throws {
        try await Self.npm { fixture in
            let server = try await generate(fixture, ["app-lib"]) { $0.env = ["module", "production"] }
            #expect(server.map == (try Self.map(#"{"imports": {"app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/index.js"}}"#)), "\(server.map.serialized())")
            #expect(server.staticDeps == ["https://ga.jspm.io/npm:app-lib@1.0.0/index.js"])
            #expect(server.dynamicDeps.isEmpty)

            let feature = try await generate(fixture, ["app-lib/feature/a"])
            #expect(feature.map == (try Self.map(#"{"imports": {"app-lib/feature/a": "https://ga.jspm.io/npm:app-lib@1.0.0/src/feature/a.js"}}"#)), "a pattern export")
            #expect(feature.staticDeps == ["https://ga.jspm.io/npm:app-lib@1.0.0/src/feature/a.js", "https://ga.jspm.io/npm:app-lib@1.0.0/src/feature/helper.js"])
        }
    }

    /// Node built-ins: `node:NAME` where env has node; in a browser, `@jspm/core`'s polyfills at
    /// its highest version (prereleases too); a dependency named like a built-in wins.
    @Test func builtinsUnderNodeAndInABrowser() async throws {
        try await Self.npm { fixture in
            let node = try await generate(fixture, ["uses-builtins"]) { $0.env = ["production", "node", "module"] }
            #expect(node.map == (try Self.map(#"""
            {"imports": {"uses-builtins": "https://ga.jspm.io/npm:uses-builtins@1.0.0/index.js"},
             "scopes": {"https://ga.jspm.io/": {
               "crypto": "node:crypto",
               "events": "https://ga.jspm.io/npm:events@3.3.0/events.js",
               "node:fs/promises": "node:fs/promises"}}}
            """#)), "\(node.map.serialized())")

            let browser = try await generate(fixture, ["uses-builtins"]) { $0.env = ["browser", "production", "module"] }
            #expect(browser.map == (try Self.map(#"""
            {"imports": {"uses-builtins": "https://ga.jspm.io/npm:uses-builtins@1.0.0/index.js"},
             "scopes": {"https://ga.jspm.io/": {
               "crypto": "https://ga.jspm.io/npm:@jspm/core@2.1.0-beta.1/nodelibs/browser/crypto.js",
               "events": "https://ga.jspm.io/npm:events@3.3.0/events.js",
               "node:fs/promises": "https://ga.jspm.io/npm:@jspm/core@2.1.0-beta.1/nodelibs/browser/fs.js"}}}
            """#)), "\(browser.map.serialized())")
        }
    }

    /// An exact version is that version; a range its highest match; no version the `latest` tag
    /// (else the highest stable); `name@` the highest including prereleases.
    @Test(arguments: [
        ("shared@1.0.0", "shared", "https://ga.jspm.io/npm:shared@1.0.0/esm/index.js"),
        ("shared@^1.0.0", "shared", "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"),
        ("shared@~1.0.0", "shared", "https://ga.jspm.io/npm:shared@1.0.0/esm/index.js"),
        ("shared@1", "shared", "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"),
        ("shared", "shared", "https://ga.jspm.io/npm:shared@2.0.0/esm/index.js"),
        ("pre", "pre", "https://ga.jspm.io/npm:pre@0.9.0/index.js"),
        ("pre@", "pre", "https://ga.jspm.io/npm:pre@1.0.0-beta.1/index.js"),
        ("pre@1.0.0-beta.1", "pre", "https://ga.jspm.io/npm:pre@1.0.0-beta.1/index.js"),
        ("s=shared@1.0.0", "s", "https://ga.jspm.io/npm:shared@1.0.0/esm/index.js"),
    ])
    func anExactVersionOrARange(install: String, key: String, url: String) async throws {
        try await Self.npm { fixture in
            let result = try await generate(fixture, [install])
            #expect(result.map == .object([("imports", .object([(key, .string(url))]))]), "\(result.map.serialized())")
        }
    }

    @Test func versionsThatDoNotExistAreNotFound() async throws {
        try await Self.npm { fixture in
            for (install, message) in [
                ("app-lib@^9", "Unable to resolve npm:app-lib@^9 to a valid version"),
                ("shared@1.0.1", "Unable to resolve npm:shared@1.0.1 to a valid version"),
                ("no-such-package", "Unable to resolve npm:no-such-package to a valid version"),
            ] {
                do {
                    _ = try await generate(fixture, [install])
                    Issue.record("\(install) generated a map")
                } catch let error as ImportMapError {
                    #expect(error.kind == .notFound, "\(install)")
                    #expect(error.message == message)
                }
            }
        }
    }

    /// The seed: the input map's entries are "custom manual resolutions that take precedence";
    /// its other entries and scopes are kept beside the generated ones. app-lib's `import("dyn")`
    /// resolves through the custom `dyn` too, so no scoped dyn is generated (jspm/jspm
    /// generator/test/api/inputmap.test.js: react-dom's react is the input map's; tracemap.ts
    /// `resolve`'s "imports resolution"); example.com is no upstream, so it is not traced.
    @Test func anInputMapTakesPrecedenceAndIsKept() async throws {
        try await Self.npm { fixture in
            let result = try await generate(fixture, ["dyn", "app-lib"]) {
                $0.inputMap = try? JSONValue.parse(#"""
                {"imports": {"dyn": "https://example.com/dyn.js", "mine": "https://example.com/mine.js"},
                 "scopes": {
                   "https://example.com/": {"dep": "https://example.com/dep.js"},
                   "https://ga.jspm.io/": {"extra": "https://example.com/extra.js"}}}
                """#)
            }
            #expect(result.map == (try Self.map(#"""
            {"imports": {
               "app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js",
               "dyn": "https://example.com/dyn.js",
               "mine": "https://example.com/mine.js"},
             "scopes": {
               "https://example.com/": {"dep": "https://example.com/dep.js"},
               "https://ga.jspm.io/": {
                 "extra": "https://example.com/extra.js",
                 "shared": "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"}}}
            """#)), "\(result.map.serialized())")
        }
    }

    /// The seed: "just imports and no scopes whenever possible"; a conflicting version stays scoped.
    @Test func flattenScope() async throws {
        try await Self.npm { fixture in
            let flat = try await generate(fixture, ["app-lib"]) { $0.flattenScope = true }
            #expect(flat.map == (try Self.map(#"""
            {"imports": {
               "app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js",
               "dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js",
               "shared": "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"}}
            """#)), "\(flat.map.serialized())")

            let conflict = try await generate(fixture, ["app-lib", "conflict"]) { $0.flattenScope = true }
            #expect(conflict.map == (try Self.map(#"""
            {"imports": {
               "app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js",
               "conflict": "https://ga.jspm.io/npm:conflict@1.0.0/index.js",
               "dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js",
               "shared": "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"},
             "scopes": {"https://ga.jspm.io/npm:conflict@1.0.0/": {
               "shared": "https://ga.jspm.io/npm:shared@2.0.0/esm/index.js"}}}
            """#)), "\(conflict.map.serialized())")

            // A top-level install keeps its version; the dependency's own stays in the origin scope.
            let topLevel = try await generate(fixture, ["shared@2", "app-lib"]) { $0.flattenScope = true }
            #expect(topLevel.map == (try Self.map(#"""
            {"imports": {
               "app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js",
               "dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js",
               "shared": "https://ga.jspm.io/npm:shared@2.0.0/esm/index.js"},
             "scopes": {"https://ga.jspm.io/": {
               "shared": "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"}}}
            """#)), "\(topLevel.map.serialized())")
        }
    }

    /// `integrity`: a sha384 SRI of the CDN's bytes for every traced module, dynamic ones too.
    @Test func integrity() async throws {
        try await Self.npm { fixture in
            let result = try await generate(fixture, ["app-lib"]) { $0.integrity = true }
            let expected = JSONValue.object([
                ("imports", .object([("app-lib", .string("https://ga.jspm.io/npm:app-lib@1.0.0/browser.js"))])),
                ("scopes", .object([("https://ga.jspm.io/", .object([
                    ("dyn", .string("https://ga.jspm.io/npm:dyn@1.0.0/index.js")),
                    ("shared", .string("https://ga.jspm.io/npm:shared@1.1.0/esm/index.js")),
                ]))])),
                ("integrity", .object([
                    ("https://ga.jspm.io/npm:app-lib@1.0.0/browser.js", .string(try Self.sri384("app-lib", "1.0.0", "browser.js"))),
                    ("https://ga.jspm.io/npm:dyn@1.0.0/index.js", .string(try Self.sri384("dyn", "1.0.0", "index.js"))),
                    ("https://ga.jspm.io/npm:shared@1.1.0/esm/index.js", .string(try Self.sri384("shared", "1.1.0", "esm/index.js"))),
                ])),
            ])
            #expect(result.map == expected, "\(result.map.serialized())")
        }
    }

    /// Another provider's layout, and `local`: Wharf's `/cdn/` URLs for the same modules.
    @Test func providersWriteTheirOwnURLs() async throws {
        try await Self.npm { fixture in
            let unpkg = try await generate(fixture, ["app-lib"]) { $0.provider = .unpkg }
            #expect(unpkg.map == (try Self.map(#"""
            {"imports": {"app-lib": "https://unpkg.com/app-lib@1.0.0/browser.js"},
             "scopes": {"https://unpkg.com/": {
               "dyn": "https://unpkg.com/dyn@1.0.0/index.js",
               "shared": "https://unpkg.com/shared@1.1.0/esm/index.js"}}}
            """#)), "\(unpkg.map.serialized())")

            let local = try await generate(fixture, ["app-lib"]) { $0.provider = .local }
            #expect(local.map == (try Self.map(#"""
            {"imports": {"app-lib": "http://wharf.test/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js"},
             "scopes": {"http://wharf.test/cdn/ga.jspm.io/": {
               "dyn": "http://wharf.test/cdn/ga.jspm.io/npm:dyn@1.0.0/index.js",
               "shared": "http://wharf.test/cdn/ga.jspm.io/npm:shared@1.1.0/esm/index.js"}}}
            """#)), "\(local.map.serialized())")
            #expect(local.staticDeps == [
                "http://wharf.test/cdn/ga.jspm.io/npm:app-lib@1.0.0/browser.js", "http://wharf.test/cdn/ga.jspm.io/npm:shared@1.1.0/esm/index.js",
            ])
        }
    }

    @Test func resolutionsIgnoreAndGraph() async throws {
        try await Self.npm { fixture in
            let pinned = try await generate(fixture, ["app-lib"]) { $0.resolutions = ["shared": "1.0.0"]; $0.ignore = ["dyn"] }
            #expect(pinned.map == (try Self.map(#"""
            {"imports": {"app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js"},
             "scopes": {"https://ga.jspm.io/": {"shared": "https://ga.jspm.io/npm:shared@1.0.0/esm/index.js"}}}
            """#)), "\(pinned.map.serialized())")
            #expect(pinned.dynamicDeps.isEmpty)

            let graph = try await generate(fixture, ["app-lib"]) { $0.graph = true }
            #expect(graph.graph == (try Self.map(#"""
            {"https://ga.jspm.io/npm:app-lib@1.0.0/": {"browser.js": {
               "staticDeps": ["https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"],
               "dynamicDeps": ["https://ga.jspm.io/npm:dyn@1.0.0/index.js"]}},
             "https://ga.jspm.io/npm:dyn@1.0.0/": {"index.js": {"staticDeps": [], "dynamicDeps": []}},
             "https://ga.jspm.io/npm:shared@1.1.0/": {"esm/index.js": {"staticDeps": [], "dynamicDeps": []}}}
            """#)), "\(graph.graph?.serialized() ?? "no graph")")
        }
    }

    /// Requests the generator refuses before any work: too many installs, `require`, none at all.
    @Test func refusedRequests() async throws {
        try await Self.npm { fixture in
            var three = GenerateOptions()
            three.install = try ["dyn", "shared", "pre"].map { text throws(ImportMapError) in try InstallTarget.parse(text) }
            var require = three
            require.env = ["require", "browser"]
            var none = three
            none.install = []
            for (generator, options, message) in [
                (Generator(listings: fixture.components.listings, maxInstalls: 2), three, "3 installs asked for; at most 2 per request (generate.max_installs)"),
                (fixture.generator, require, "the require condition is not supported: import maps load ES modules"),
                (fixture.generator, none, "install names no package"),
            ] {
                do throws(ImportMapError) {
                    let result = try await generator.generate(options)
                    Issue.record("generated \(result.map.serialized()), expected: \(message)")
                } catch {
                    #expect(error.kind == .invalid)
                    #expect(error.message == message)
                }
            }
            #expect(fixture.origin.count("/dyn") == 0, "refused before any fetch")
        }
    }
}
