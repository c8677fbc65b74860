import Crypto
import Foundation
import JSON
import Testing
import WharfTestSupport
@testable import ImportMaps

/// `MapRewriter` and `MapExporter` against `PackageOrigin` (api.jspm.io listings and the CDNs'
/// files of fixture@1.0.0 and dep@2.0.0): a map shaped as JSPM writes it, rewritten to Wharf.
@Suite struct MapRewriterTests {
    static func sri384(_ package: String, _ file: String) -> String {
        "sha384-" + Data(SHA384.hash(data: PackageOrigin.content(package, file))).base64EncodedString()
    }

    static func packages<T>(_ body: (ComponentsFixture) async throws -> T) async throws -> T {
        try await ComponentsFixture.with(routes: PackageOrigin.routes, body)
    }

    /// What JSPM writes: installs in `imports`, dependencies in the origin scope, a conflict in a
    /// package scope (here on another CDN), `integrity`; and one URL on no CDN. Every CDN URL is
    /// `{root}/{host}/{path}`: with the root `https:/` the map as JSPM wrote it, with Wharf's
    /// `/cdn` or a base URL that map rewritten (the same keys, in the same order).
    static func map(root: String) -> String {
        #"""
        {"imports": {
           "fixture": "\#(root)/ga.jspm.io/npm:fixture@1.0.0/index.js",
           "elsewhere": "https://example.com/x.js"},
         "scopes": {
           "\#(root)/ga.jspm.io/": {
             "dep": "\#(root)/ga.jspm.io/npm:dep@2.0.0/index.js",
             "dep/util": "\#(root)/ga.jspm.io/npm:dep@2.0.0/lib/util.js"},
           "\#(root)/ga.jspm.io/npm:fixture@1.0.0/": {
             "dep": "\#(root)/unpkg.com/dep@2.0.0/index.js"}},
         "integrity": {
           "\#(root)/ga.jspm.io/npm:fixture@1.0.0/index.js": "\#(sri384("fixture@1.0.0", "index.js"))",
           "\#(root)/ga.jspm.io/npm:dep@2.0.0/index.js": "\#(sri384("dep@2.0.0", "index.js"))"}}
        """#
    }

    static let jspmMap = map(root: "https:/")

    /// Every file of each package the map points into, from its listing, by provider.
    static func report(_ package: String, root: String, source: String) -> MapRewriter.PackageReport {
        MapRewriter.PackageReport(
            package: PackageID(package)!, files: PackageOrigin.files.count,
            bytes: PackageOrigin.files.reduce(0) { $0 + PackageOrigin.content(package, $1).count },
            source: source, urls: PackageOrigin.files.map { root + $0 }
        )
    }

    static func reports(source: String) -> [MapRewriter.PackageReport] {
        [
            report("dep@2.0.0", root: "https://ga.jspm.io/npm:dep@2.0.0/", source: source),
            report("dep@2.0.0", root: "https://unpkg.com/dep@2.0.0/", source: source),
            report("fixture@1.0.0", root: "https://ga.jspm.io/npm:fixture@1.0.0/", source: source),
        ]
    }

    @Test func aJSPMMapIsRewrittenToWharf() async throws {
        try await Self.packages { fixture in
            let outcome = try await fixture.rewriter.rewrite(try JSONValue.parse(Self.jspmMap), base: nil)
            #expect(outcome.map == (try JSONValue.parse(Self.map(root: "http://wharf.test/cdn"))), "\(outcome.map.serialized())")
            #expect(outcome.target == "http://wharf.test/cdn")
            #expect(outcome.untouched == ["https://example.com/x.js"])
            #expect(outcome.errors.isEmpty)
            #expect(outcome.packages == Self.reports(source: "upstream"))

            // Again: every file is in the store, nothing new is asked of the CDNs.
            let fetched = fixture.origin.count("/npm:dep@2.0.0/index.js")
            let again = try await fixture.rewriter.rewrite(try JSONValue.parse(Self.jspmMap), base: nil)
            #expect(again.map == outcome.map)
            #expect(again.packages == Self.reports(source: "cache"))
            #expect(fixture.origin.count("/npm:dep@2.0.0/index.js") == fetched)
        }
    }

    @Test func aBaseURLPlacesTheMapForSelfHosting() async throws {
        try await Self.packages { fixture in
            let outcome = try await fixture.rewriter.rewrite(try JSONValue.parse(Self.jspmMap), base: "https://static.example/assets/")
            #expect(outcome.target == "https://static.example/assets")
            #expect(outcome.map == (try JSONValue.parse(Self.map(root: "https://static.example/assets"))), "\(outcome.map.serialized())")
        }
    }

    /// Origins, the `npm:` prefix and prefix imports on a CDN move with their modules; keys on
    /// other hosts stay, and are reported untouched with the other foreign URLs.
    @Test func scopeAndPrefixKeysMoveWithTheirModules() async throws {
        try await Self.packages { fixture in
            let map = try JSONValue.parse(#"""
            {"imports": {"fixture/": "https://ga.jspm.io/npm:fixture@1.0.0/"},
             "scopes": {
               "https://ga.jspm.io/npm:": {"x": "https://example.com/x.js"},
               "https://example.com/": {"dep": "https://cdn.jsdelivr.net/npm/dep@2.0.0/index.js"}}}
            """#)
            let outcome = try await fixture.rewriter.rewrite(map, base: nil)
            #expect(outcome.map == (try JSONValue.parse(#"""
            {"imports": {"fixture/": "http://wharf.test/cdn/ga.jspm.io/npm:fixture@1.0.0/"},
             "scopes": {
               "http://wharf.test/cdn/ga.jspm.io/npm:": {"x": "https://example.com/x.js"},
               "https://example.com/": {"dep": "http://wharf.test/cdn/cdn.jsdelivr.net/npm/dep@2.0.0/index.js"}}}
            """#)), "\(outcome.map.serialized())")
            #expect(outcome.untouched == ["https://example.com/x.js", "https://example.com/"])
            #expect(outcome.packages.map(\.package.description) == ["dep@2.0.0", "fixture@1.0.0"])
        }
    }

    /// A package that cannot be fetched is reported; the map is still rewritten (the caller
    /// decides whether a partial rewrite will do).
    @Test func aPackageThatCannotBeFetchedIsReported() async throws {
        try await Self.packages { fixture in
            let map = try JSONValue.parse(#"{"imports": {"ok": "https://ga.jspm.io/npm:fixture@1.0.0/index.js", "bad": "https://ga.jspm.io/npm:broken@1.0.0/index.js"}}"#)
            let outcome = try await fixture.rewriter.rewrite(map, base: nil)
            #expect(outcome.map == (try JSONValue.parse(#"{"imports": {"ok": "http://wharf.test/cdn/ga.jspm.io/npm:fixture@1.0.0/index.js", "bad": "http://wharf.test/cdn/ga.jspm.io/npm:broken@1.0.0/index.js"}}"#)))
            #expect(outcome.packages == [Self.report("fixture@1.0.0", root: "https://ga.jspm.io/npm:fixture@1.0.0/", source: "upstream")])
            #expect(outcome.errors == ["broken@1.0.0 (jspm.io): broken@1.0.0: https://ga.jspm.io/npm:broken@1.0.0/gone.js was not found upstream"])
        }
    }

    @Test func aMapThatIsNotAnObjectIsRefused() async throws {
        try await Self.packages { fixture in
            do throws(ImportMapError) {
                let outcome = try await fixture.rewriter.rewrite(.array([]), base: nil)
                Issue.record("rewrote \(outcome.map.serialized())")
            } catch {
                #expect(error.kind == .invalid)
                #expect(error.message == "the map must be a JSON object with imports and scopes")
            }
        }
    }

    /// The exporter writes every file of the rewritten packages at `{dir}/{host}/{path}`, and the
    /// map beside them.
    @Test func theExporterWritesAFolderToHost() async throws {
        try await Self.packages { fixture in
            let outcome = try await fixture.rewriter.rewrite(try JSONValue.parse(Self.jspmMap), base: "https://static.example/assets")
            let folder = TemporaryDirectory("export")
            let exported = try await fixture.components.exporter.export(outcome, to: folder.path)
            #expect(exported.files == 18)
            #expect(exported.bytes == Self.reports(source: "upstream").reduce(0) { $0 + $1.bytes })
            #expect(exported.map == outcome.map, "no module of the map was renamed")
            for (root, package) in [("ga.jspm.io/npm:fixture@1.0.0", "fixture@1.0.0"), ("ga.jspm.io/npm:dep@2.0.0", "dep@2.0.0"), ("unpkg.com/dep@2.0.0", "dep@2.0.0")] {
                for file in PackageOrigin.files {
                    // The origin types every file as JavaScript: LICENSE, which has no extension a
                    // static server could type it by, is written as a module, LICENSE.js.
                    let path = file == "LICENSE" ? "LICENSE.js" : file
                    let written = FileManager.default.contents(atPath: "\(folder.path)/\(root)/\(path)").map { Array($0) }
                    #expect(written == PackageOrigin.content(package, file), "\(root)/\(file)")
                }
            }
            let written = try #require(FileManager.default.contents(atPath: folder.path + "/importmap.json"))
            #expect(try JSONValue.parse(Array(written)) == outcome.map)
        }
    }
}
