import JSON
import Testing
import WharfTestSupport
@testable import ImportMaps

/// generator 2.16.3's `inputMapFallbacks` and `linkedScopes` on the npm fixture (app-lib needs
/// `shared@^1.0.0`, other `shared@^1.1.0`, conflict `shared@^2.0.0`; shared has 1.0.0, 1.1.0, 2.0.0).
/// Expected maps are written by hand from jspm/jspm generator/src/install/installer.ts and lock.ts
/// and the tests cited per case.
@Suite struct LinkedScopesAndFallbacksTests {
    static let appLib = VersionLockTests.appLib
    static let dyn = VersionLockTests.dyn
    static func shared(_ version: String) -> String { VersionLockTests.shared(version) }
    static func json(_ text: String) -> JSONValue? { try? JSONValue.parse(text) }

    func generate(_ fixture: ComponentsFixture, _ installs: [String], _ change: (inout GenerateOptions) -> Void) async throws -> JSONValue {
        try await VersionLockTests().generate(fixture, installs, change)
    }

    /// A flattened lock out of the dependent's range under `freeze`: `true` (the default) trusts it,
    /// `"semver-compatible"` and `false` do not, so app-lib gets the latest in range, shared@1.1.0.
    /// Source: test/api/fallbacks.test.js (link, a freeze install: "semver-compatible: … must resolve
    /// to entities@1.x", "false: … must not have entities@4.x") and installer.ts `install`
    /// (`(mode === 'freeze' && !semverCompatible) || inRange`).
    @Test func fallbacksDecideAnOutOfRangeFlattenedLockUnderFreeze() async throws {
        try await VersionLockTests.npm { fixture in
            let input = Self.json(#"{"scopes": {"https://ga.jspm.io/": {"shared": "\#(Self.shared("2.0.0"))"}}}"#)
            for (fallbacks, version) in [(InputMapFallbacks.trusted, "2.0.0"), (.semverCompatible, "1.1.0"), (.ignored, "1.1.0")] {
                let map = try await generate(fixture, ["app-lib"]) {
                    $0.inputMap = input
                    $0.installMode = .freeze
                    $0.inputMapFallbacks = fallbacks
                }
                #expect(map == Self.json(#"""
                {"imports": {"app-lib": "\#(Self.appLib)"},
                 "scopes": {"https://ga.jspm.io/": {"dyn": "\#(Self.dyn)", "shared": "\#(Self.shared(version))"}}}
                """#), "\(fallbacks): \(map.serialized())")
            }
        }
    }

    /// An in-range flattened lock (shared@1.0.0) beside a top-level pin (shared@1.1.0): `true` and
    /// `"semver-compatible"` take the flattened lock for app-lib's dependency; `false` skips it, so
    /// installer.ts `installTarget`'s primary consolidation gives the pin's 1.1.0. Source:
    /// installer.ts `install` (the flattened lookup only `if (!isTopLevel && inputMapFallbacks !== false)`)
    /// and `installTarget` ("prefer the primary resolution if it satisfies our range").
    @Test func falseSkipsAnInRangeFlattenedLock() async throws {
        try await VersionLockTests.npm { fixture in
            let input = Self.json(#"""
            {"imports": {"shared": "\#(Self.shared("1.1.0"))"},
             "scopes": {"https://ga.jspm.io/": {"shared": "\#(Self.shared("1.0.0"))"}}}
            """#)
            for (fallbacks, version) in [(InputMapFallbacks.trusted, "1.0.0"), (.semverCompatible, "1.0.0"), (.ignored, "1.1.0")] {
                let map = try await generate(fixture, ["app-lib"]) {
                    $0.inputMap = input
                    $0.inputMapFallbacks = fallbacks
                }
                #expect(map == Self.json(#"""
                {"imports": {"app-lib": "\#(Self.appLib)", "shared": "\#(Self.shared("1.1.0"))"},
                 "scopes": {"https://ga.jspm.io/": {"dyn": "\#(Self.dyn)", "shared": "\#(Self.shared(version))"}}}
                """#), "\(fallbacks): \(map.serialized())")
            }
        }
    }

    /// `linkedScopes`: conflict's modules take other's package.json ranges (`shared@^1.1.0`, not its own
    /// `^2.0.0`), so both share shared@1.1.0; unlinked, conflict gets shared@2.0.0 in its own scope.
    /// Source: test/api/linkedscopes.test.js, the linked-version case ("secondary should resolve
    /// semver@6 via primary range", "both scopes should share the same resolution"), and installer.ts
    /// `install` (`resolveScopeGroup` gives the version scope whose pjson and locks are used).
    @Test func aLinkedScopeUsesItsPrimarysRanges() async throws {
        try await VersionLockTests.npm { fixture in
            let conflict = "https://ga.jspm.io/npm:conflict@1.0.0/index.js", other = "https://ga.jspm.io/npm:other@2.0.0/lib/main.js"
            let unlinked = try await generate(fixture, ["other", "conflict"]) { _ in }
            #expect(unlinked == Self.json(#"""
            {"imports": {"conflict": "\#(conflict)", "other": "\#(other)"},
             "scopes": {"https://ga.jspm.io/": {"shared": "\#(Self.shared("1.1.0"))"},
                        "https://ga.jspm.io/npm:conflict@1.0.0/": {"shared": "\#(Self.shared("2.0.0"))"}}}
            """#), "\(unlinked.serialized())")
            let linked = try await generate(fixture, ["other", "conflict"]) {
                $0.linkedScopes = ["https://ga.jspm.io/npm:conflict@1.0.0/": "https://ga.jspm.io/npm:other@2.0.0/"]
            }
            #expect(linked == Self.json(#"""
            {"imports": {"conflict": "\#(conflict)", "other": "\#(other)"},
             "scopes": {"https://ga.jspm.io/": {"shared": "\#(Self.shared("1.1.0"))"}}}
            """#), "\(linked.serialized())")
        }
    }

    /// A primary scope that is no package of a provider's layout cannot lend its package.json: 400.
    @Test func aLinkedPrimaryMustBeAPackage() async throws {
        try await VersionLockTests.npm { fixture in
            var refusal: ImportMapError?
            do {
                _ = try await generate(fixture, ["conflict"]) { $0.linkedScopes = ["https://ga.jspm.io/npm:conflict@1.0.0/": "https://example.com/app/"] }
            } catch let error as ImportMapError {
                refusal = error
            }
            #expect(refusal?.kind == .invalid)
            #expect(refusal?.message == "linkedScopes: https://example.com/app/ is not the URL of a package of any provider")
        }
    }
}

/// The input map's custom mappings resolve a dependency before any install (tracemap.ts `resolve`,
/// "imports resolution" and "scope resolution"). Source: jspm/jspm generator/test/api/inputmap.test.js
/// (`react` mapped to a skypack URL: react-dom's import of react takes it, and no scoped react is
/// generated); a custom entry in the importer's own package scope wins the same way.
@Suite struct CustomMappingResolutionTests {
    static let appLib = VersionLockTests.appLib
    static let dyn = VersionLockTests.dyn
    static let events = "https://ga.jspm.io/npm:events@3.3.0/events.js"

    @Test func aCustomImportResolvesADependency() async throws {
        try await VersionLockTests.npm { fixture in
            var options = GenerateOptions()
            options.install = [try InstallTarget.parse("app-lib")]
            options.inputMap = try JSONValue.parse(#"{"imports": {"shared": "\#(Self.events)"}}"#)
            let result = try await fixture.generator.generate(options)
            #expect(result.map == (try JSONValue.parse(#"""
            {"imports": {"app-lib": "\#(Self.appLib)", "shared": "\#(Self.events)"},
             "scopes": {"https://ga.jspm.io/": {"dyn": "\#(Self.dyn)"}}}
            """#)), "\(result.map.serialized())")
            #expect(result.staticDeps == [Self.appLib, Self.events], "the custom target is traced")
        }
    }

    @Test func aCustomEntryInThePackagesOwnScopeResolvesItsDependency() async throws {
        try await VersionLockTests.npm { fixture in
            let map = try await VersionLockTests().generate(fixture, ["app-lib"]) {
                $0.inputMap = try? JSONValue.parse(#"{"scopes": {"https://ga.jspm.io/npm:app-lib@1.0.0/": {"shared": "\#(Self.events)"}}}"#)
            }
            #expect(map == (try JSONValue.parse(#"""
            {"imports": {"app-lib": "\#(Self.appLib)"},
             "scopes": {"https://ga.jspm.io/": {"dyn": "\#(Self.dyn)"},
                        "https://ga.jspm.io/npm:app-lib@1.0.0/": {"shared": "\#(Self.events)"}}}
            """#)), "\(map.serialized())")
        }
    }
}
