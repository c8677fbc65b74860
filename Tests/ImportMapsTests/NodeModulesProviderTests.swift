import Foundation
import JSON
import Testing
import WharfTestSupport
@testable import ImportMaps

/// The `nodemodules` provider (jspm/jspm generator 2.16.3, src/providers/nodemodules.ts): packages
/// found as Node finds them in `node_modules` folders on disk, URLs written relative to the map,
/// only for `wharf generate` (a command-line request). Each expected map is written by hand from
/// JSPM's tests, cited per test; the fixtures are folders the test writes in a temporary directory.
@Suite struct NodeModulesProviderTests {
    /// The map for `fields`, read as `wharf generate` run in `directory` reads them.
    static func map(_ fields: [String: JSONValue], in directory: String) async throws -> JSONValue {
        let request = try GenerateRequest(fields: fields, from: .commandLine(workingDirectory: URL(fileURLWithPath: directory, isDirectory: true)))
        return try await ComponentsFixture.with(routes: NpmFixture.routes) { fixture in
            try await fixture.generator.generate(request.options).map
        }
    }

    static func expected(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

    /// test/resolve/nodemodules.test.js: with mapUrl the generator folder and node_modules one
    /// folder up (the monorepo root), `lit-element` is `../node_modules/lit-element/development/index.js`
    /// and `scopes["../node_modules/lit-element/"]["@lit/reactive-element"]` its dependency. The whole
    /// map follows import-map's `flatten`: lit-html, also in `imports` with the same URL, leaves the scope.
    @Test func nearestNodeModulesAboveTheMap() async throws {
        let root = TemporaryDirectory("nodemodules-lit")
        try NodeModulesFixture.write([
            "node_modules/lit-element/package.json": #"{"name":"lit-element","version":"3.3.3","exports":{".":{"development":"./development/index.js","default":"./index.js"}},"dependencies":{"@lit/reactive-element":"^1.3.0","lit-html":"^2.8.0"}}"#,
            "node_modules/lit-element/development/index.js": "export * from '@lit/reactive-element';\nexport * from 'lit-html';\nexport * from './lit-element.js';\n",
            "node_modules/lit-element/development/lit-element.js": "export const LitElement = 1;\n",
            "node_modules/lit-html/package.json": #"{"name":"lit-html","version":"2.8.0","exports":{".":{"development":"./development/lit-html.js","default":"./lit-html.js"}}}"#,
            "node_modules/lit-html/development/lit-html.js": "export const html = 1;\n",
            "node_modules/@lit/reactive-element/package.json": #"{"name":"@lit/reactive-element","version":"1.6.3","exports":{".":{"development":"./development/reactive-element.js","default":"./reactive-element.js"}}}"#,
            "node_modules/@lit/reactive-element/development/reactive-element.js": "export const ReactiveElement = 1;\n",
            "generator/package.json": #"{"name":"@jspm/generator","version":"2.16.3"}"#,
        ], under: root.path)
        let map = try await Self.map(["install": .string("lit-element,lit-html"), "defaultProvider": .string("nodemodules"), "mapUrl": .string("generator/")], in: root.path)
        #expect(map == (try Self.expected(#"""
        {"imports": {
           "lit-element": "../node_modules/lit-element/development/index.js",
           "lit-html": "../node_modules/lit-html/development/lit-html.js"},
         "scopes": {"../node_modules/lit-element/": {
           "@lit/reactive-element": "../node_modules/@lit/reactive-element/development/reactive-element.js"}}}
        """#)), "\(map.serialized())")
    }

    /// src/providers/nodemodules.ts `nodeResolve` ("look for a node_modules in the current directory
    /// … recurse through the parent directories"): b finds its nested c@2, a and that c find the
    /// hoisted c@1 and d. No mapUrl: JSPM's default mapUrl and baseUrl are the working directory.
    @Test func nestedNodeModulesHoldTheConflictingVersion() async throws {
        let root = TemporaryDirectory("nodemodules-conflict")
        try NodeModulesFixture.write(NodeModulesFixture.conflict, under: root.path)
        let map = try await Self.map(["install": .string("a,b"), "provider": .string("nodemodules")], in: root.path)
        #expect(map == (try Self.expected(NodeModulesFixture.conflictMap)), "\(map.serialized())")
    }

    /// test/resolve/chalk.test.js: chalk 5's `#ansi-styles` and `#supports-color` imports are the two
    /// entries of its one scope (`browser` picks supports-color's browser file), chalk the one import.
    @Test func packageImportsAreMappedInThePackageScope() async throws {
        let root = TemporaryDirectory("nodemodules-chalk")
        try NodeModulesFixture.write([
            "node_modules/chalk/package.json": ##"{"name":"chalk","version":"5.3.0","type":"module","exports":"./source/index.js","imports":{"#ansi-styles":"./source/vendor/ansi-styles/index.js","#supports-color":{"node":"./source/vendor/supports-color/index.js","default":"./source/vendor/supports-color/browser.js"}}}"##,
            "node_modules/chalk/source/index.js": "import ansiStyles from '#ansi-styles';\nimport supportsColor from '#supports-color';\nexport default ansiStyles + supportsColor;\n",
            "node_modules/chalk/source/vendor/ansi-styles/index.js": "export default 'ansi';\n",
            "node_modules/chalk/source/vendor/supports-color/browser.js": "export default 'browser';\n",
            "node_modules/chalk/source/vendor/supports-color/index.js": "export default 'node';\n",
        ], under: root.path)
        let map = try await Self.map(["install": .string("chalk"), "provider": .string("nodemodules")], in: root.path)
        #expect(map == (try Self.expected(#"""
        {"imports": {"chalk": "./node_modules/chalk/source/index.js"},
         "scopes": {"./node_modules/chalk/": {
           "#ansi-styles": "./node_modules/chalk/source/vendor/ansi-styles/index.js",
           "#supports-color": "./node_modules/chalk/source/vendor/supports-color/browser.js"}}}
        """#)), "\(map.serialized())")
    }

    /// test/providers/scopeprovider.test.js: a nodemodules default with `providers` sending one
    /// package to jspm.io (`json.imports['lit-html'].startsWith('https://ga.jspm.io')`); here the
    /// package on jspm.io is a dependency, so its mapping is in the local importer's scope.
    @Test func providersMixNodeModulesWithJSPM() async throws {
        let root = TemporaryDirectory("nodemodules-mixed")
        try NodeModulesFixture.write([
            "node_modules/app/package.json": #"{"name":"app","version":"1.0.0","exports":"./index.js","dependencies":{"shared":"^1.0.0"}}"#,
            "node_modules/app/index.js": "import shared from 'shared';\nexport default shared;\n",
        ], under: root.path)
        let map = try await Self.map(["install": .string("app"), "defaultProvider": .string("nodemodules"), "providers": .object([("shared", .string("jspm.io"))])], in: root.path)
        #expect(map == (try Self.expected(#"""
        {"imports": {"app": "./node_modules/app/index.js"},
         "scopes": {"./node_modules/app/": {"shared": "https://ga.jspm.io/npm:shared@1.1.0/esm/index.js"}}}
        """#)), "\(map.serialized())")
    }

    /// The message `fields` are refused with, read as coming from `origin`.
    static func refusal(_ fields: [String: JSONValue], from origin: GenerateRequest.Origin = .http) -> String? {
        do {
            _ = try GenerateRequest(fields: fields, from: origin)
            return nil
        } catch {
            return error.message
        }
    }

    /// The error the generation of `fields` in `directory` fails with.
    static func failure(_ fields: [String: JSONValue], in directory: String) async -> ImportMapError? {
        do {
            _ = try await map(fields, in: directory)
            return nil
        } catch {
            return error as? ImportMapError
        }
    }

    /// Over HTTP no request reads Wharf's disk (the issue); nodemodules.ts needs a file: baseUrl to
    /// look from; a package in no node_modules is JSPM's "Unable to resolve" (a 404).
    @Test func refusals() async throws {
        let overHTTP = "provider nodemodules is refused over HTTP: only wharf generate reads the local disk"
        #expect(Self.refusal(["install": .string("a"), "provider": .string("nodemodules")]) == overHTTP)
        #expect(Self.refusal(["install": .string("a"), "providers": .string(#"{"a":"nodemodules"}"#)]) == overHTTP)
        let here = GenerateRequest.Origin.commandLine(workingDirectory: URL(fileURLWithPath: "/tmp/", isDirectory: true))
        #expect(Self.refusal(["install": .string("a"), "provider": .string("nodemodules"), "baseUrl": .string("http://localhost:8080/")], from: here)
            == "provider nodemodules needs a file: baseUrl (the folder whose node_modules it reads)")
        let root = TemporaryDirectory("nodemodules-missing")
        let missing = await Self.failure(["install": .string("missing"), "provider": .string("nodemodules")], in: root.path)
        #expect(missing?.kind == .notFound)
        #expect(missing?.message == "Unable to resolve npm:missing to a valid version: no node_modules/missing in file://\(root.path)/ or a folder above it")
    }
}
