import Foundation
import JSON
import Testing
import WharfTestSupport
@testable import ImportMaps

/// Maps for each provider and provider option, on `NpmFixture`'s packages in every CDN layout.
/// Each expected map is written by hand from jspm/generator 2.5.1's tests and sources, which 2.16.3
/// (jspm/jspm generator/src/providers/*.ts, generator/test/providers) keeps unchanged here (cited per
/// test): the URL layout of `pkgToUrl` in src/providers/*.ts, dependencies in the scope of the
/// importer's provider origin, as test/providers/*.test.js assert.
@Suite struct ProviderMapTests {
    /// System.register builds, as ga.system.jspm.io serves them: sys-app imports sys-dep.
    static let systemFiles: [String: [String: String]] = [
        "sys-app@1.0.0": [
            "package.json": #"{"name":"sys-app","version":"1.0.0","exports":"./index.js","dependencies":{"sys-dep":"^1.0.0"}}"#,
            "index.js": "System.register(['sys-dep', './lib.js'], (function (exports) {\n  return { setters: [function () {}, function () {}], execute: function () { exports('default', 'app'); } };\n}));\n",
            "lib.js": "System.register([], (function (exports) {\n  return { execute: function () { exports('lib', 1); } };\n}));\n",
        ],
        "sys-dep@1.0.0": [
            "package.json": #"{"name":"sys-dep","version":"1.0.0","main":"index.js"}"#,
            "index.js": "System.register(\"sys-dep\", [], function (exports) {\n  return { execute: function () { exports('dep', 1); } };\n});\n",
        ],
    ]

    /// NpmFixture's routes plus jsdelivr's (`/npm/name@v/`) and esm.sh's (`/*name@v/`) layouts of
    /// the same files, and the system packages.
    static var routes: [String: TestOrigin.Handler] {
        var routes = NpmFixture.routes
        for (name, versions) in NpmFixture.packages {
            for (version, files) in versions {
                for (path, text) in files {
                    routes["/npm/\(name)@\(version)/\(path)"] = TestOrigin.file(Array(text.utf8))
                    routes["/*\(name)@\(version)/\(path)"] = TestOrigin.file(Array(text.utf8))
                }
            }
        }
        for (package, files) in systemFiles {
            let name = String(package.prefix { $0 != "@" })
            routes["/\(name)"] = TestOrigin.file(Array(#"{"name":"\#(name)","dist-tags":{},"versions":{"1.0.0":{}}}"#.utf8), contentType: "application/json")
            for (path, text) in files { routes["/npm:\(package)/\(path)"] = TestOrigin.file(Array(text.utf8)) }
            let listing = try! JSONSerialization.data(withJSONObject: [package: ["pkgUrl": "https://ga.jspm.io/npm:\(package)/", "files": files.keys.sorted()]])
            routes["/download/\(package)"] = TestOrigin.file(Array(listing), contentType: "application/json")
        }
        return routes
    }

    static let hosts = ["ga.jspm.io", "ga.system.jspm.io", "unpkg.com", "cdn.jsdelivr.net", "esm.sh", "registry.npmjs.org", "api.jspm.io", "jspm-mirror.test"]

    static func fixture<T>(hosts: [String] = Self.hosts, routes: [String: TestOrigin.Handler] = Self.routes, _ body: (ComponentsFixture) async throws -> T) async throws -> T {
        try await ComponentsFixture.with(routes: routes, configure: { configuration in
            let origin = configuration.upstreams.first { $0.host == "ga.jspm.io" }?.origin ?? ""
            configuration.upstreams = []
            for host in hosts { try! configuration.addUpstream("\(host)=\(origin)") }
        }, body)
    }

    /// The map for `fields` as `/generate` reads them (one reader for every option).
    static func map(_ fixture: ComponentsFixture, _ fields: [String: JSONValue]) async throws(ImportMapError) -> JSONValue {
        try await fixture.generator.generate(try GenerateRequest(fields: fields).options).map
    }

    static func expected(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

    /// test/providers/jsdelivr.test.js: `https://cdn.jsdelivr.net/npm/lit@2.0.0-rc.1/index.js` in
    /// imports, dependencies in `scopes["https://cdn.jsdelivr.net/"]` (src/providers/jsdelivr.ts
    /// `pkgToUrl`: `${cdnUrl}${registry}/${name}@${version}/`).
    @Test func jsdelivr() async throws {
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, ["install": .string("app-lib"), "defaultProvider": .string("jsdelivr")])
            #expect(map == (try Self.expected(#"""
            {"imports": {"app-lib": "https://cdn.jsdelivr.net/npm/app-lib@1.0.0/browser.js"},
             "scopes": {"https://cdn.jsdelivr.net/": {
               "dyn": "https://cdn.jsdelivr.net/npm/dyn@1.0.0/index.js",
               "shared": "https://cdn.jsdelivr.net/npm/shared@1.1.0/esm/index.js"}}}
            """#)), "\(map.serialized())")
        }
    }

    /// test/providers/unpkg.test.js: `https://unpkg.com/lit@2.0.0-rc.1/index.js`, dependencies in
    /// `scopes["https://unpkg.com/"]`.
    @Test func unpkg() async throws {
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, ["install": .string("app-lib"), "defaultProvider": .string("unpkg")])
            #expect(map == (try Self.expected(#"""
            {"imports": {"app-lib": "https://unpkg.com/app-lib@1.0.0/browser.js"},
             "scopes": {"https://unpkg.com/": {
               "dyn": "https://unpkg.com/dyn@1.0.0/index.js",
               "shared": "https://unpkg.com/shared@1.1.0/esm/index.js"}}}
            """#)), "\(map.serialized())")
        }
    }

    /// generator.ts `detectDefaultProvider` (2.16.3): with no `defaultProvider`, the provider most of
    /// the input map's `imports` use is the default, so a new install `other` comes from unpkg as
    /// app-lib does (unpkg's layout as in `unpkg` above; the input map's locks kept).
    @Test func theInputMapsLeadingProviderIsTheDefault() async throws {
        let input = try Self.expected(#"""
        {"imports": {"app-lib": "https://unpkg.com/app-lib@1.0.0/browser.js"},
         "scopes": {"https://unpkg.com/": {
           "dyn": "https://unpkg.com/dyn@1.0.0/index.js",
           "shared": "https://unpkg.com/shared@1.1.0/esm/index.js"}}}
        """#)
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, ["install": .array([.string("app-lib"), .string("other")]), "inputMap": input])
            #expect(map == (try Self.expected(#"""
            {"imports": {
               "app-lib": "https://unpkg.com/app-lib@1.0.0/browser.js",
               "other": "https://unpkg.com/other@2.0.0/lib/main.js"},
             "scopes": {"https://unpkg.com/": {
               "dyn": "https://unpkg.com/dyn@1.0.0/index.js",
               "shared": "https://unpkg.com/shared@1.1.0/esm/index.js"}}}
            """#)), "\(map.serialized())")
            // A provider given wins over the input map's (`defaultProvider || winner`).
            #expect(try GenerateRequest(fields: ["install": .string("other"), "inputMap": input, "provider": .string("jsdelivr")]).options.provider == .jsdelivr)
            #expect(try GenerateRequest(fields: ["install": .string("other"), "inputMap": input]).options.provider == .unpkg)
            #expect(try GenerateRequest(fields: ["install": .string("other")]).options.provider == .jspm)
        }
    }

    /// test/providers/esmsh.test.js: `"https://esm.sh/*react@18.3.1/index.js"`; the
    /// dependencies of esm.sh packages in `scopes["https://esm.sh/"]`, each at a `*name@version`
    /// URL (test/providers/esmsh-root.test.js's input map), so shared packages are mapped once.
    @Test func esmShExternalDependencyURLs() async throws {
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, ["install": .array([.string("app-lib"), .string("other")]), "defaultProvider": .string("esm.sh")])
            #expect(map == (try Self.expected(#"""
            {"imports": {
               "app-lib": "https://esm.sh/*app-lib@1.0.0/browser.js",
               "other": "https://esm.sh/*other@2.0.0/lib/main.js"},
             "scopes": {"https://esm.sh/": {
               "dyn": "https://esm.sh/*dyn@1.0.0/index.js",
               "shared": "https://esm.sh/*shared@1.1.0/esm/index.js"}}}
            """#)), "\(map.serialized())")
        }
    }

    /// test/providers/jspm.system.test.js: `https://ga.system.jspm.io/npm:lit@2.0.0-rc.1/index.js`
    /// in imports and the dependencies in `scopes["https://ga.system.jspm.io/"]`
    /// (src/providers/jspm.ts: `systemCdnUrl = "https://ga.system.jspm.io/"`, the `system` layer).
    @Test func jspmSystemLayer() async throws {
        try await Self.fixture { fixture in
            let result = try await fixture.generator.generate(try GenerateRequest(fields: ["install": .string("sys-app"), "defaultProvider": .string("jspm.io#system")]).options)
            #expect(result.map == (try Self.expected(#"""
            {"imports": {"sys-app": "https://ga.system.jspm.io/npm:sys-app@1.0.0/index.js"},
             "scopes": {"https://ga.system.jspm.io/": {"sys-dep": "https://ga.system.jspm.io/npm:sys-dep@1.0.0/index.js"}}}
            """#)), "\(result.map.serialized())")
            #expect(Set(result.staticDeps) == [
                "https://ga.system.jspm.io/npm:sys-app@1.0.0/index.js", "https://ga.system.jspm.io/npm:sys-app@1.0.0/lib.js",
                "https://ga.system.jspm.io/npm:sys-dep@1.0.0/index.js",
            ], "the System.register dependency lists were traced")
        }
    }

    /// src/install/installer.ts `getProvider`: a `providers` key that is the package's name picks
    /// its provider (test/providers/scopeprovider.test.js: `providers: {"lit-html": "jspm.io"}`
    /// gives lit-html jspm.io URLs under a nodemodules default); the mapping is in the importer's
    /// provider's scope.
    @Test func providersByPackageName() async throws {
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, ["install": .string("app-lib"), "providers": .object([("shared", .string("unpkg"))])])
            #expect(map == (try Self.expected(#"""
            {"imports": {"app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js"},
             "scopes": {"https://ga.jspm.io/": {
               "dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js",
               "shared": "https://unpkg.com/shared@1.1.0/esm/index.js"}}}
            """#)), "\(map.serialized())")
        }
    }

    /// GeneratorOptions.providers (src/generator.ts): `'@orgscope': 'nodemodules'` names a scope's
    /// packages, `'npm:'` a registry's; installer.ts `getProvider` takes the first key that
    /// matches, in the order given. A query carries the table as JSON text.
    @Test func providersByScopeAndRegistryInOrder() async throws {
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, [
                "install": .string("uses-builtins"),
                "providers": .string(#"{"@jspm":"jsdelivr","npm:":"unpkg","events":"esm.sh"}"#),
            ])
            #expect(map == (try Self.expected(#"""
            {"imports": {"uses-builtins": "https://unpkg.com/uses-builtins@1.0.0/index.js"},
             "scopes": {"https://unpkg.com/": {
               "crypto": "https://cdn.jsdelivr.net/npm/@jspm/core@2.1.0-beta.1/nodelibs/browser/crypto.js",
               "events": "https://unpkg.com/events@3.3.0/events.js",
               "node:fs/promises": "https://cdn.jsdelivr.net/npm/@jspm/core@2.1.0-beta.1/nodelibs/browser/fs.js"}}}
            """#)), "\(map.serialized())")
        }
    }

    /// `name@range` keys, as issue #16 asks (2.16.3's installer.ts getProvider, like 2.5.1's, compares names only): shared@2 on
    /// unpkg, shared@1 stays on jspm.io; the conflicting version in conflict's own scope.
    @Test func providersByNameAndRange() async throws {
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, ["install": .string("app-lib,conflict"), "providers": .object([("shared@2", .string("unpkg"))])])
            #expect(map == (try Self.expected(#"""
            {"imports": {
               "app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js",
               "conflict": "https://ga.jspm.io/npm:conflict@1.0.0/index.js"},
             "scopes": {
               "https://ga.jspm.io/": {
                 "dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js",
                 "shared": "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"},
               "https://ga.jspm.io/npm:conflict@1.0.0/": {"shared": "https://unpkg.com/shared@2.0.0/esm/index.js"}}}
            """#)), "\(map.serialized())")
        }
    }

    /// GeneratorOptions.providerConfig's example (src/generator.ts): `{"jspm.io": {cdnUrl:
    /// "https://jspm-mirror.com/"}}`; src/providers/jspm.ts `configure` makes it the root of
    /// `pkgToUrl`'s default layer.
    @Test func jspmCDNURL() async throws {
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, ["install": .string("app-lib"), "providerConfig": .string(#"{"jspm.io":{"cdnUrl":"https://jspm-mirror.test/"}}"#)])
            #expect(map == (try Self.expected(#"""
            {"imports": {"app-lib": "https://jspm-mirror.test/npm:app-lib@1.0.0/browser.js"},
             "scopes": {"https://jspm-mirror.test/": {
               "dyn": "https://jspm-mirror.test/npm:dyn@1.0.0/index.js",
               "shared": "https://jspm-mirror.test/npm:shared@1.1.0/esm/index.js"}}}
            """#)), "\(map.serialized())")
        }
    }

    /// `defaultRegistry: "npm"` is 2.16.3's default, as 2.5.1's (generator/src/generator.ts `defaultRegistry = 'npm'`):
    /// the same map as without it.
    @Test func defaultRegistryNPM() async throws {
        try await Self.fixture { fixture in
            let map = try await Self.map(fixture, ["install": .string("peer-user"), "defaultRegistry": .string("npm")])
            #expect(map == (try Self.expected(#"""
            {"imports": {"peer-user": "https://ga.jspm.io/npm:peer-user@1.0.0/index.js"},
             "scopes": {"https://ga.jspm.io/": {"shared": "https://ga.jspm.io/npm:shared@2.0.0/esm/index.js"}}}
            """#)), "\(map.serialized())")
        }
    }

    /// A provider whose host is not in `[upstreams]` is refused, naming both (not a fallback).
    @Test(arguments: [
        (["defaultProvider": JSONValue.string("jspm.io#system")], "provider jspm.io#system needs host ga.system.jspm.io, which is not in [upstreams]"),
        (["providers": .object([("shared", .string("esm.sh"))])], "provider esm.sh needs host esm.sh, which is not in [upstreams]"),
        (["providerConfig": .string(#"{"jspm.io":{"cdnUrl":"https://elsewhere.test/"}}"#)], "provider jspm.io needs host elsewhere.test, which is not in [upstreams]"),
    ])
    func aProviderHostOutsideTheAllowlistIsRefused(fields: [String: JSONValue], message: String) async throws {
        try await Self.fixture(hosts: ["ga.jspm.io", "registry.npmjs.org", "api.jspm.io"]) { fixture in
            var all = fields
            all["install"] = .string("app-lib")
            do throws(ImportMapError) {
                let map = try await Self.map(fixture, all)
                Issue.record("generated \(map.serialized())")
            } catch {
                #expect(error.kind == .invalid)
                #expect(error.message == message)
            }
        }
    }
}
