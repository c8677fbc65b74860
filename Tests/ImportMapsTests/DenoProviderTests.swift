import Foundation
import JSON
import Testing
import WharfTestSupport
@testable import ImportMaps

/// JSPM's deno provider on `DenoFixture`'s deno.land. Expected maps are written by hand from
/// jspm/jspm's generator 2.16.3 test/providers/deno.skip.test.js and jspm/generator 2.5.1
/// test/providers/deno.skipbrowser.test.js (the last release whose deno tests ran), with the URLs
/// of 2.16.3 src/providers/deno.ts `pkgToUrl` (`https://deno.land/x/NAME@VERSION/`,
/// `https://deno.land/std@VERSION/`).
@Suite struct DenoProviderTests {
    static let hosts = ProviderMapTests.hosts + ["deno.land"]

    /// ProviderMapTests' CDNs with deno.land, all on one fixture origin.
    static func fixture<T>(hosts: [String] = Self.hosts, _ body: (ComponentsFixture) async throws -> T) async throws -> T {
        try await ProviderMapTests.fixture(hosts: hosts, routes: ProviderMapTests.routes.merging(DenoFixture.routes) { $1 }, body)
    }

    static func map(_ fixture: ComponentsFixture, _ fields: [String: JSONValue]) async throws(ImportMapError) -> JSONValue {
        try await ProviderMapTests.map(fixture, fields)
    }

    /// deno.skip.test.js (2.16.3) and deno.skipbrowser.test.js (2.5.1), first block:
    /// `defaultProvider: 'deno'`, `install('denoland:fresh@1.1.5/runtime.ts')` maps
    /// `fresh/runtime.ts` to `https://deno.land/x/fresh@1.1.5/runtime.ts` and has `preact` in
    /// `scopes['https://deno.land/']`; preact comes from jspm.io (installer.ts: with deno as the
    /// default provider, `providers['npm:'] ??= 'jspm.io'`). Type-only imports (`import type`)
    /// are not dependencies (src/trace/ts.ts: babel's `onlyRemoveTypeImports`).
    @Test func freshWithPreactFromJSPM() async throws {
        try await Self.fixture { fixture in
            let result = try await fixture.generator.generate(try GenerateRequest(fields: ["install": .string("denoland:fresh@1.1.5/runtime.ts"), "defaultProvider": .string("deno")]).options)
            #expect(result.map == (try JSONValue.parse(#"""
            {"imports": {"fresh/runtime.ts": "https://deno.land/x/fresh@1.1.5/runtime.ts"},
             "scopes": {"https://deno.land/": {"preact": "https://ga.jspm.io/npm:preact@10.11.0/dist/preact.module.js"}}}
            """#)), "\(result.map.serialized())")
            #expect(Set(result.staticDeps) == [
                "https://deno.land/x/fresh@1.1.5/runtime.ts", "https://deno.land/x/fresh@1.1.5/src/runtime/utils.ts",
                "https://ga.jspm.io/npm:preact@10.11.0/dist/preact.module.js",
            ])
        }
    }

    /// 2.5.1 deno.skipbrowser.test.js: `install('deno:path')` with the default provider maps `path`
    /// to `https://deno.land/std@${denoStdVersion}/path/mod.ts`, the latest std (looked up at
    /// `std/version.ts`); `deno:testing/asserts` and `deno:async/abortable.ts` resolve through
    /// std's synthesized exports (`./testing/*` → `./testing/*.ts`), keyed alias + subpath as every
    /// install is; coremods/deno.js imports `deno:version`.
    @Test func stdModulesAtTheLatestStd() async throws {
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, ["install": .array(["deno:path", "deno:testing/asserts", "deno:async/abortable.ts", "deno:version"].map(JSONValue.string))])
            #expect(map == (try JSONValue.parse(#"""
            {"imports": {
               "async/abortable": "https://deno.land/std@0.224.0/async/abortable.ts",
               "path": "https://deno.land/std@0.224.0/path/mod.ts",
               "testing/asserts": "https://deno.land/std@0.224.0/testing/asserts.ts",
               "version": "https://deno.land/std@0.224.0/version.ts"}}
            """#)), "\(map.serialized())")
            #expect(fixture.origin.count("/std/version.ts") == 1)
        }
    }

    /// 2.5.1 deno.skipbrowser.test.js (commented blocks): `install('denoland:oak')` maps `oak` to
    /// `https://deno.land/x/oak@v${oakVersion}/mod.ts` (the latest, as deno.land redirects
    /// `x/oak/mod.ts`; `mod.ts` is the entry of a module without package.json, resolver.ts
    /// `legacyMainResolve`) and `denoland:oak/body.ts` to `…/oak@v${oakVersion}/body.ts`. A
    /// `deno:path` import inside maps as 2.5.1's `link('deno:path')` does, in the deno.land scope.
    @Test func latestOakThroughDenoLandsRedirect() async throws {
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, ["install": .array([.string("denoland:oak"), .string("denoland:oak/body.ts")])])
            #expect(map == (try JSONValue.parse(#"""
            {"imports": {
               "oak": "https://deno.land/x/oak@v12.6.1/mod.ts",
               "oak/body.ts": "https://deno.land/x/oak@v12.6.1/body.ts"},
             "scopes": {"https://deno.land/": {"deno:path": "https://deno.land/std@0.224.0/path/mod.ts"}}}
            """#)), "\(map.serialized())")
            #expect(fixture.origin.count("/x/oak/mod.ts") == 1)
        }
    }

    /// `cache: "offline"` answers from the store: the redirect deno.land gave is stored like any
    /// answer, so the same map comes back without a request upstream.
    @Test func offlineFromTheStore() async throws {
        try await Self.fixture { fixture in
            let fields: [String: JSONValue] = ["install": .string("denoland:oak"), "provider": .string("deno")]
            let online = try await Self.map(fixture, fields)
            var offline = fields
            offline["cache"] = .string("offline")
            let stored = try await Self.map(fixture, offline)
            #expect(stored == online, "\(stored.serialized())")
            #expect(fixture.origin.count("/x/oak/mod.ts") == 1)
            let error = await #expect(throws: ImportMapError.self) {
                _ = try await Self.map(fixture, ["install": .string("denoland:fresh"), "cache": .string("offline")])
            }
            #expect(error?.kind == .offline, "\(String(describing: error))")
        }
    }

    /// installer.ts: with `defaultProvider: 'deno'`, npm packages are jspm.io's (`npm:` → jspm.io),
    /// so the map is the jspm.io one (test/providers/scopeprovider.test.js's layout).
    @Test func npmInstallsUnderTheDenoDefaultComeFromJSPM() async throws {
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, ["install": .string("app-lib"), "defaultProvider": .string("deno")])
            #expect(map == (try JSONValue.parse(#"""
            {"imports": {"app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js"},
             "scopes": {"https://ga.jspm.io/": {
               "dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js",
               "shared": "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"}}}
            """#)), "\(map.serialized())")
        }
    }

    @Test(arguments: [
        // deno.ts `pkgToUrl`'s error, word for word.
        (["install": JSONValue.string("app-lib"), "providers": .string(#"{"app-lib":"deno"}"#)], #"Deno provider does not support the npm registry for package "app-lib" - perhaps you mean to install "denoland:app-lib"?"#),
        // coremods/deno.notfound.js: a std module std's exports do not name.
        (["install": .string("deno:notfound")], "deno:std@0.224.0 does not export ./notfound under the conditions [\"browser\", \"development\", \"module\"]"),
        (["install": .string("deno:path@0.148.0")], "invalid deno: target 'deno:path@0.148.0': name a std module without a version (deno:path, deno:testing/asserts)"),
    ])
    func refusals(fields: [String: JSONValue], message: String) async throws {
        try await Self.fixture { fixture in
            let error = await #expect(throws: ImportMapError.self) { _ = try await Self.map(fixture, fields) }
            #expect(error?.message == message)
        }
    }

    /// The issue: a provider host missing from `[upstreams]` is a 400 naming it, before any fetch.
    @Test func denoLandOutsideTheAllowlist() async throws {
        try await Self.fixture(hosts: ProviderMapTests.hosts) { fixture in
            let error = await #expect(throws: ImportMapError.self) { _ = try await Self.map(fixture, ["install": .string("denoland:oak")]) }
            #expect(error?.message == "provider deno needs host deno.land, which is not in [upstreams]")
            #expect(fixture.origin.count("/x/oak/mod.ts") == 0)
        }
    }
}

/// JSPM's `typeScript` for the other providers' `.ts` modules.
@Suite struct TypeScriptTracingTests {
    /// generator 2.16.3 test/resolve/tspkg, as an npm package (its three files verbatim).
    static let routes: [String: TestOrigin.Handler] = {
        var routes = NpmFixture.routes
        routes["/tspkg"] = TestOrigin.file(Array(#"{"name":"tspkg","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{}}}"#.utf8), contentType: "application/json")
        let files = [
            "package.json": #"{"name":"tspkg","version":"1.0.0","exports":"./main.ts"}"#,
            "main.ts": "import type { t } from './types.ts';\nimport \"./dep.ts\";\nexport var p: t = 5;\n",
            "dep.ts": "import 'node:fs';\nexport var dep: string = \"dep\";\n",
            "types.ts": "// should not be traced!\nimport 'jquery';\n\nexport type t = number;\n",
        ]
        for (path, text) in files { routes["/npm:tspkg@1.0.0/\(path)"] = TestOrigin.file(Array(text.utf8)) }
        return routes
    }()

    /// test/resolve/ts.test.js: with `typeScript: true`, main.ts's `import type` of types.ts is not
    /// traced (its `jquery` import would fail) and dep.ts is, so `node:fs` is mapped (here to
    /// @jspm/core's browser polyfill, as GeneratorTests' built-ins map it under the default env).
    @Test func typeOnlyImportsAreNotTraced() async throws {
        try await ComponentsFixture.with(routes: Self.routes) { fixture in
            let map = try await fixture.generator.generate(try GenerateRequest(fields: ["install": .string("tspkg"), "typeScript": .bool(true)]).options).map
            #expect(map == (try JSONValue.parse(#"""
            {"imports": {"tspkg": "https://ga.jspm.io/npm:tspkg@1.0.0/main.ts"},
             "scopes": {"https://ga.jspm.io/": {"node:fs": "https://ga.jspm.io/npm:@jspm/core@2.1.0-beta.1/nodelibs/browser/fs.js"}}}
            """#)), "\(map.serialized())")
            #expect(fixture.origin.count("/npm:tspkg@1.0.0/types.ts") == 0)
        }
    }
}
