import JSON
import Testing
import WharfTestSupport
@testable import ImportMaps

/// generator 2.16.3's `expandWildcards` (default false: lossless wildcard condensing) and
/// `dependencyCache` on the npm fixture: wild exports `./modules/*` → `./modules/*`, and uses-wild
/// imports `wild/modules/a.js` and `wild/modules/b.js`. Expected maps written by hand from jspm/jspm
/// generator/src/generator.ts (`simplify`, `GeneratorOptions`) and the tests cited per case.
@Suite struct WildcardsAndDependencyCacheTests {
    static let wild = "https://ga.jspm.io/npm:wild@1.0.0/"
    static let usesWild = "https://ga.jspm.io/npm:uses-wild@1.0.0/index.js"
    static func json(_ text: String) -> JSONValue? { try? JSONValue.parse(text) }

    func generate(_ fixture: ComponentsFixture, _ installs: [String], _ change: (inout GenerateOptions) -> Void) async throws -> JSONValue {
        try await VersionLockTests().generate(fixture, installs, change)
    }

    /// In a scope: one `wild/modules/` mapping to the folder by default, even with `combineSubpaths`
    /// off; with `expandWildcards` each file keeps its mapping. Source: test/resolve/wildcard-scoped.test.js
    /// ("Lossless wildcard condensing works in scopes", combineSubpaths: false; "With expandWildcards:
    /// true, scope entries remain expanded").
    @Test func wildcardExportsAreOneFolderMappingInScopes() async throws {
        try await VersionLockTests.npm { fixture in
            for combine in [SubpathCombining.none, .scopes] {
                let condensed = try await generate(fixture, ["uses-wild"]) { $0.combineSubpaths = combine }
                #expect(condensed == Self.json(#"""
                {"imports": {"uses-wild": "\#(Self.usesWild)"},
                 "scopes": {"https://ga.jspm.io/": {"wild/modules/": "\#(Self.wild)modules/"}}}
                """#), "\(combine): \(condensed.serialized())")
            }
            let expanded = try await generate(fixture, ["uses-wild"]) {
                $0.expandWildcards = true
                $0.combineSubpaths = .none
            }
            #expect(expanded == Self.json(#"""
            {"imports": {"uses-wild": "\#(Self.usesWild)"},
             "scopes": {"https://ga.jspm.io/": {"wild/modules/a.js": "\#(Self.wild)modules/a.js", "wild/modules/b.js": "\#(Self.wild)modules/b.js"}}}
            """#), "\(expanded.serialized())")
        }
    }

    /// In `imports` too: installs of two files under the `*` export become `wild/modules/` (condensing
    /// is not `combineSubpaths`, which leaves `imports` alone by default). Source:
    /// test/resolve/wildcard-subpaths.test.js ("combineSubpaths: false — should still collapse
    /// wildcard-expanded prefixes": `imports['wildcard-subpaths-test/modules/']`, no `…/a.js`).
    @Test func wildcardExportsAreOneFolderMappingInImports() async throws {
        try await VersionLockTests.npm { fixture in
            let condensed = try await generate(fixture, ["wild/modules/a.js", "wild/modules/b.js"]) { $0.combineSubpaths = .none }
            #expect(condensed == Self.json(#"{"imports": {"wild/modules/": "\#(Self.wild)modules/"}}"#), "\(condensed.serialized())")
            let expanded = try await generate(fixture, ["wild/modules/a.js", "wild/modules/b.js"]) { $0.expandWildcards = true }
            #expect(expanded == Self.json(#"""
            {"imports": {"wild/modules/a.js": "\#(Self.wild)modules/a.js", "wild/modules/b.js": "\#(Self.wild)modules/b.js"}}
            """#), "\(expanded.serialized())")
        }
    }

    /// `subpaths: true` installs every exported subpath; the `*` ones are condensed losslessly, a
    /// suffix pattern (`./foo/*.js` → `./src/*.js`) too when every file under src/ ends in `.js`, and
    /// not when another file there would leak. Source: test/resolve/wildcard-subpaths.test.js (its
    /// "combineSubpaths: false" and "Suffix wildcards" cases, and "Mixed file types … should NOT
    /// condense"); generator.ts `install` (`subpaths === true` expands `exports` over the file list).
    @Test func allSubpathsOfAPackageAreCondensedWhereLossless() async throws {
        try await VersionLockTests.npm { fixture in
            let all = { (name: String) in InstallTarget(alias: name, name: name, range: nil, subpath: ".", allSubpaths: true) }
            let expected = [
                "wild": #"{"imports": {"wild": "\#(Self.wild)index.js", "wild/modules/": "\#(Self.wild)modules/"}}"#,
                "wild-suffix": #"{"imports": {"wild-suffix/foo/": "https://ga.jspm.io/npm:wild-suffix@1.0.0/src/"}}"#,
                "wild-mixed": #"""
                {"imports": {"wild-mixed/foo/a.js": "https://ga.jspm.io/npm:wild-mixed@1.0.0/src/a.js",
                             "wild-mixed/foo/b.js": "https://ga.jspm.io/npm:wild-mixed@1.0.0/src/b.js"}}
                """#,
            ]
            for (name, map) in expected.sorted(by: { $0.key < $1.key }) {
                var options = GenerateOptions()
                options.install = [all(name)]
                options.combineSubpaths = .none
                let result = try await fixture.generator.generate(options)
                #expect(result.map == Self.json(map), "\(name): \(result.map.serialized())")
            }
            var expanded = GenerateOptions()
            expanded.install = [all("wild")]
            expanded.expandWildcards = true
            let result = try await fixture.generator.generate(expanded)
            #expect(result.map == Self.json(#"""
            {"imports": {"wild": "\#(Self.wild)index.js", "wild/modules/a.js": "\#(Self.wild)modules/a.js", "wild/modules/b.js": "\#(Self.wild)modules/b.js"}}
            """#), "\(result.map.serialized())")
        }
    }

    /// A `*` export whose target changes the tail (app-lib's `./feature/*` → `./src/feature/*.js`) is
    /// not condensed: a folder mapping would serve other files. Source: common/package.ts
    /// `getWildcardPrefixes` (`if (subpathSuffix !== targetSuffix) continue`).
    @Test func aWildcardThatChangesTheTailStaysExpanded() async throws {
        try await VersionLockTests.npm { fixture in
            let map = try await generate(fixture, ["app-lib/feature/a"]) { _ in }
            #expect(map == Self.json(#"{"imports": {"app-lib/feature/a": "https://ga.jspm.io/npm:app-lib@1.0.0/src/feature/a.js"}}"#), "\(map.serialized())")
        }
    }

    /// `dependencyCache`: "the import map will include direct static and dynamic dependencies for each
    /// module URL in the final pruned graph" (generator.ts `GeneratorOptions.dependencyCache`): app-lib's
    /// browser.js imports shared statically and dyn dynamically; the other two import nothing.
    @Test func dependencyCacheListsEachModulesDirectDependencies() async throws {
        try await VersionLockTests.npm { fixture in
            let map = try await generate(fixture, ["app-lib"]) { $0.dependencyCache = true }
            let appLib = VersionLockTests.appLib, dyn = VersionLockTests.dyn, shared = VersionLockTests.shared("1.1.0")
            #expect(map == Self.json(#"""
            {"imports": {"app-lib": "\#(appLib)"},
             "scopes": {"https://ga.jspm.io/": {"dyn": "\#(dyn)", "shared": "\#(shared)"}},
             "dependencyCache": {"\#(appLib)": ["\#(shared)", "\#(dyn)"], "\#(dyn)": [], "\#(shared)": []}}
            """#), "\(map.serialized())")
        }
    }
}
