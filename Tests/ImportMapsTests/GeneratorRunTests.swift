import Crypto
import Foundation
import JSON
import Semver
import Testing
import WharfTestSupport
@testable import ImportMaps

/// The pieces of one generation, driven by hand: the lock rule, where a mapping is recorded, how
/// the answer's map is assembled, and how specifiers split.
@Suite struct GeneratorRunTests {
    static func run(_ fixture: ComponentsFixture, _ change: (inout GenerateOptions) -> Void = { _ in }) -> GeneratorRun {
        var options = GenerateOptions()
        change(&options)
        return GeneratorRun(options: options, listings: fixture.components.listings)
    }

    static func npm<T>(_ body: (ComponentsFixture) async throws -> T) async throws -> T {
        try await ComponentsFixture.with(routes: NpmFixture.routes, body)
    }

    @Test(arguments: [
        ("shared", "shared", "."),
        ("shared/esm/index.js", "shared", "./esm/index.js"),
        ("@jspm/core", "@jspm/core", "."),
        ("@jspm/core/nodelibs/fs", "@jspm/core", "./nodelibs/fs"),
    ])
    func specifiersSplitIntoPackageAndSubpath(specifier: String, name: String, subpath: String) {
        let (foundName, foundSubpath) = GeneratorRun.split(specifier)
        #expect(foundName == name)
        #expect(foundSubpath == subpath)
    }

    /// REFERENCE: "an existing in-range resolution is reused before picking the highest match";
    /// of several, the highest (installer.ts `getBestExistingMatch`); the packument is fetched once a run.
    @Test func theLockRuleReusesAChosenVersionInRange() async throws {
        try await Self.npm { fixture in
            var run = Self.run(fixture)
            var picked: [String] = []
            for range in ["^1.0.0", "1.0.0", "^1.0.0", "~1.0.0", ">=1.0.0", "^2.0.0", "*"] {
                picked.append(try await run.choose("shared", range: range, label: "shared@\(range)").description)
            }
            #expect(picked == ["shared@1.1.0", "shared@1.0.0", "shared@1.1.0", "shared@1.0.0", "shared@1.1.0", "shared@2.0.0", "shared@2.0.0"])
            #expect(run.chosen["shared"] == [Version("1.1.0")!, Version("1.0.0")!, Version("2.0.0")!], "in the order first chosen")
            #expect(fixture.origin.count("/shared") == 1, "one packument a run")
        }
    }

    @Test func anUnresolvableRangeNamesItsImporter() async throws {
        try await Self.npm { fixture in
            var run = Self.run(fixture)
            let importer = "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js"
            do throws(ImportMapError) {
                let package = try await run.choose("shared", range: "^9.0.0", label: "shared@^9.0.0", importedFrom: importer)
                Issue.record("chose \(package)")
            } catch {
                #expect(error.kind == .notFound)
                #expect(error.message == "Unable to resolve npm:shared@^9.0.0 to a valid version imported from \(importer)")
            }
            #expect(run.chosen["shared"] == nil)
        }
    }

    /// A dependency's mapping goes to the CDN origin's scope; a different target for the same
    /// specifier goes to the importer's package scope; the same target again changes nothing.
    @Test func mappingsGoToTheOriginScopeUnlessTheyConflict() async throws {
        try await Self.npm { fixture in
            var run = Self.run(fixture)
            let one = PackageID("one@1.0.0")!, two = PackageID("two@1.0.0")!, three = PackageID("@s/three@1.0.0")!
            run.record("dep", target: "https://ga.jspm.io/npm:dep@1.0.0/index.js", importer: one)
            run.record("dep", target: "https://ga.jspm.io/npm:dep@2.0.0/index.js", importer: two)
            run.record("dep", target: "https://ga.jspm.io/npm:dep@1.0.0/index.js", importer: three)
            run.record("other", target: "https://ga.jspm.io/npm:other@1.0.0/index.js", importer: two)
            #expect(run.scopes == [
                "https://ga.jspm.io/": ["dep": "https://ga.jspm.io/npm:dep@1.0.0/index.js", "other": "https://ga.jspm.io/npm:other@1.0.0/index.js"],
                "https://ga.jspm.io/npm:two@1.0.0/": ["dep": "https://ga.jspm.io/npm:dep@2.0.0/index.js"],
            ])
        }
    }

    static let a1 = "https://ga.jspm.io/npm:a@1.0.0/index.js"
    static let b1 = "https://ga.jspm.io/npm:b@1.0.0/index.js"
    static let b2 = "https://ga.jspm.io/npm:b@2.0.0/index.js"
    static let c1 = "https://ga.jspm.io/npm:c@1.0.0/index.js"
    static let c2 = "https://ga.jspm.io/npm:c@2.0.0/index.js"

    /// A run's mappings set by hand: b installed, a both installed and in the input map, b again
    /// (another version) and c in the origin scope, c at another version in q's scope.
    static func handMade(_ fixture: ComponentsFixture, flatten: Bool) -> GeneratorRun {
        var run = Self.run(fixture) {
            $0.flattenScope = flatten
            $0.inputMap = try? JSONValue.parse(#"{"imports": {"a": "https://example.com/a.js"}, "scopes": {"https://example.com/": {"b": "https://example.com/b.js"}}}"#)
        }
        run.imports = [("b", Self.b1), ("a", Self.a1)]
        run.scopes = ["https://ga.jspm.io/": ["c": Self.c1, "b": Self.b2], "https://ga.jspm.io/npm:q@1.0.0/": ["c": Self.c2]]
        return run
    }

    @Test func theMapHasTheInputMapsEntriesThenTheRunsSorted() async throws {
        try await Self.npm { fixture in
            let map = Self.handMade(fixture, flatten: false).buildMap(traced: [])
            #expect(map == .object([
                ("imports", .object([("a", .string("https://example.com/a.js")), ("b", .string(Self.b1))])),
                ("scopes", .object([
                    ("https://example.com/", .object([("b", .string("https://example.com/b.js"))])),
                    ("https://ga.jspm.io/", .object([("b", .string(Self.b2)), ("c", .string(Self.c1))])),
                    ("https://ga.jspm.io/npm:q@1.0.0/", .object([("c", .string(Self.c2))])),
                ])),
            ]), "\(map.serialized())")
        }
    }

    /// Flattening lifts every scoped mapping that does not contradict a top-level one, origin
    /// scope first; contradicting ones stay in their scope.
    @Test func flatteningLiftsWhatDoesNotConflict() async throws {
        try await Self.npm { fixture in
            let map = Self.handMade(fixture, flatten: true).buildMap(traced: [])
            #expect(map == .object([
                ("imports", .object([("a", .string("https://example.com/a.js")), ("b", .string(Self.b1)), ("c", .string(Self.c1))])),
                ("scopes", .object([
                    ("https://example.com/", .object([("b", .string("https://example.com/b.js"))])),
                    ("https://ga.jspm.io/", .object([("b", .string(Self.b2))])),
                    ("https://ga.jspm.io/npm:q@1.0.0/", .object([("c", .string(Self.c2))])),
                ])),
            ]), "\(map.serialized())")
        }
    }

    /// Integrity covers the traced modules whose bytes the run holds, sorted, as sha384 SRI.
    @Test func integrityHashesTheTracedModulesBytes() async throws {
        try await Self.npm { fixture in
            var run = Self.run(fixture) { $0.integrity = true }
            run.imports = [("a", Self.a1)]
            run.sources = [Self.a1: Array("export default 'a';\n".utf8), Self.b1: Array("export default 'b';\n".utf8)]
            let map = run.buildMap(traced: [Self.b1, Self.a1, Self.c1])
            let sri = { (text: String) in "sha384-" + Data(SHA384.hash(data: Array(text.utf8))).base64EncodedString() }
            #expect(map == .object([
                ("imports", .object([("a", .string(Self.a1))])),
                ("integrity", .object([
                    (Self.a1, .string(sri("export default 'a';\n"))),
                    (Self.b1, .string(sri("export default 'b';\n"))),
                ])),
            ]), "\(map.serialized())")
        }
    }

    /// `local` writes Wharf's `/cdn/` URL of every ga.jspm.io URL, and leaves other URLs alone.
    @Test func theLocalProviderRelocatesCDNURLs() async throws {
        try await Self.npm { fixture in
            let local = Self.run(fixture) { $0.provider = .local }
            #expect(local.relocate(Self.a1) == "http://wharf.test/cdn/ga.jspm.io/npm:a@1.0.0/index.js")
            #expect(local.relocate("https://example.com/a.js") == "https://example.com/a.js")
            #expect(local.relocate("node:fs") == "node:fs")
            #expect(Self.run(fixture).relocate(Self.a1) == Self.a1, "jspm.io: unchanged")
        }
    }
}
