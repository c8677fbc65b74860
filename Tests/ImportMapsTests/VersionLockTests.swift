import JSON
import Testing
import WharfTestSupport
@testable import ImportMaps

/// The resolution options of `/generate` on the npm world of `NpmFixture` (app-lib needs
/// `shared@^1.0.0` and `dyn@1`; shared has 1.0.0, 1.1.0 and 2.0.0): the input map as a lock,
/// `latest`, `freeze`, `lock` and `packageConfigs`. Each expected map is written by hand from
/// jspm/jspm generator 2.16.3's source and tests (generator/src, generator/test; 2.5.1's say the
/// same unless named), cited per test.
@Suite struct VersionLockTests {
    static let appLib = "https://ga.jspm.io/npm:app-lib@1.0.0/browser.js"
    static let dyn = "https://ga.jspm.io/npm:dyn@1.0.0/index.js"
    static func shared(_ version: String) -> String { "https://ga.jspm.io/npm:shared@\(version)/esm/index.js" }

    func generate(_ fixture: ComponentsFixture, _ installs: [String], _ change: (inout GenerateOptions) -> Void = { _ in }) async throws -> JSONValue {
        var options = GenerateOptions()
        options.install = try installs.map { text throws(ImportMapError) in try InstallTarget.parse(text) }
        change(&options)
        return try await fixture.generator.generate(options).map
    }

    static func npm<T>(_ body: (ComponentsFixture) async throws -> T) async throws -> T {
        try await ComponentsFixture.with(routes: NpmFixture.routes, body)
    }

    static func json(_ text: String) -> JSONValue? { try? JSONValue.parse(text) }

    /// An in-range secondary lock of the input map is kept, though shared@1.1.0 is newer.
    /// Source: installer.ts `Installer.install` (a flattened resolution in the
    /// `https://ga.jspm.io/` scope is used when in range of the parent's range) and
    /// test/api/freeze.test.js "existing secondary locks" (lit-html 2.6.0 kept).
    @Test func theInputMapIsALockForDependencies() async throws {
        try await Self.npm { fixture in
            let map = try await generate(fixture, ["app-lib"]) {
                $0.inputMap = Self.json(#"{"scopes": {"https://ga.jspm.io/": {"shared": "\#(Self.shared("1.0.0"))"}}}"#)
            }
            #expect(map == Self.json(#"""
            {"imports": {"app-lib": "\#(Self.appLib)"},
             "scopes": {"https://ga.jspm.io/": {"dyn": "\#(Self.dyn)", "shared": "\#(Self.shared("1.0.0"))"}}}
            """#), "\(map.serialized())")
        }
    }

    /// A top-level lock is kept for an install of that package, and `latest` bumps it.
    /// Source: installer.ts `InstallMode` ("default": existing mappings are kept; "latest-primaries":
    /// existing primary dependencies are bumped to latest), `installTarget`'s best existing match,
    /// and test/api/freeze.test.js "existing primary locks" (react 18.1.0 kept for a primary install).
    /// `latest` is generator 1.x's option, which set the install mode to "latest-primaries".
    @Test func latestBumpsTheInputMapsTopLevelVersions() async throws {
        try await Self.npm { fixture in
            let input = Self.json(#"{"imports": {"shared": "\#(Self.shared("1.0.0"))"}}"#)
            let kept = try await generate(fixture, ["shared"]) { $0.inputMap = input }
            #expect(kept == Self.json(#"{"imports": {"shared": "\#(Self.shared("1.0.0"))"}}"#), "\(kept.serialized())")

            let latest = try await generate(fixture, ["shared"]) {
                $0.inputMap = input
                $0.installMode = .latestPrimaries
            }
            #expect(latest == Self.json(#"{"imports": {"shared": "\#(Self.shared("2.0.0"))"}}"#), "\(latest.serialized())")
        }
    }

    /// An out-of-range lock is replaced by the latest compatible version, unless `freeze` is asked:
    /// then no existing mapping changes. Source: installer.ts `InstallMode` ("default": out-of-range
    /// mappings are bumped; "freeze": no existing mappings are changed) and `Installer.install`
    /// (`(mode === 'freeze' && !semverCompatible) ||` in range, for the flattened resolution, with
    /// 2.16.3's default `inputMapFallbacks: true`; see LinkedScopesAndFallbacksTests for the others).
    @Test func freezeKeepsEvenAnOutOfRangeLock() async throws {
        try await Self.npm { fixture in
            let input = Self.json(#"{"scopes": {"https://ga.jspm.io/": {"shared": "\#(Self.shared("2.0.0"))"}}}"#)
            let bumped = try await generate(fixture, ["app-lib"]) { $0.inputMap = input }
            #expect(bumped == Self.json(#"""
            {"imports": {"app-lib": "\#(Self.appLib)"},
             "scopes": {"https://ga.jspm.io/": {"dyn": "\#(Self.dyn)", "shared": "\#(Self.shared("1.1.0"))"}}}
            """#), "\(bumped.serialized())")

            let frozen = try await generate(fixture, ["app-lib"]) {
                $0.inputMap = input
                $0.installMode = .freeze
            }
            #expect(frozen == Self.json(#"""
            {"imports": {"app-lib": "\#(Self.appLib)"},
             "scopes": {"https://ga.jspm.io/": {"dyn": "\#(Self.dyn)", "shared": "\#(Self.shared("2.0.0"))"}}}
            """#), "\(frozen.serialized())")
        }
    }

    /// The input map's `imports` are pins, traced again with their locked versions; a lock no
    /// traced module reaches is not copied. Source: tracemap.ts `addInputMap` (every imports key
    /// becomes a pin, `extractMap` traces the pins) and lock.ts `extractLockConstraintsAndMap`
    /// (package entries become locks; only the others are kept as custom mappings).
    @Test func theInputMapsPinsAreTracedAndUnreachedLocksDropped() async throws {
        try await Self.npm { fixture in
            let map = try await generate(fixture, ["app-lib"]) {
                $0.inputMap = Self.json(#"""
                {"imports": {"other": "https://ga.jspm.io/npm:other@2.0.0/lib/main.js"},
                 "scopes": {"https://ga.jspm.io/": {"pre": "https://ga.jspm.io/npm:pre@0.9.0/index.js"}}}
                """#)
            }
            #expect(map == Self.json(#"""
            {"imports": {"app-lib": "\#(Self.appLib)", "other": "https://ga.jspm.io/npm:other@2.0.0/lib/main.js"},
             "scopes": {"https://ga.jspm.io/": {"dyn": "\#(Self.dyn)", "shared": "\#(Self.shared("1.1.0"))"}}}
            """#), "\(map.serialized())")
        }
    }

    /// A custom scope entry of the input map wins in its scope, as its `imports` do; the generated
    /// mapping it displaces goes to the importer's package scope. Source: tracemap.ts `extractMap`
    /// (the input map is extended first; a scoped mapping that meets another value goes to a more
    /// specific scope) and generator.ts `getMap` (`flatten` leaves conflicting entries scoped).
    @Test func aCustomScopeEntryOfTheInputMapWinsInItsScope() async throws {
        try await Self.npm { fixture in
            let map = try await generate(fixture, ["app-lib"]) {
                $0.inputMap = Self.json(#"{"scopes": {"https://ga.jspm.io/": {"shared": "https://example.com/shared.js"}}}"#)
            }
            #expect(map == Self.json(#"""
            {"imports": {"app-lib": "\#(Self.appLib)"},
             "scopes": {
               "https://ga.jspm.io/": {"dyn": "\#(Self.dyn)", "shared": "https://example.com/shared.js"},
               "https://ga.jspm.io/npm:app-lib@1.0.0/": {"shared": "\#(Self.shared("1.1.0"))"}}}
            """#), "\(map.serialized())")
        }
    }

    /// `lock` is lockfile data (`LockResolutions`: primary, secondary, flattened installs, each an
    /// `installUrl` package URL) used for resolutions, as the input map's locks are, but not pins.
    /// Source: generator.ts `GeneratorOptions.lock` ("Lockfile data to use for resolutions"),
    /// lock.ts `LockResolutions`, installer.ts (`this.installs = opts.lock`).
    @Test func lockResolutionsAreUsedLikeTheInputMapsLocks() async throws {
        try await Self.npm { fixture in
            let map = try await generate(fixture, ["app-lib"]) {
                $0.lock = Self.json(#"""
                {"primary": {"other": {"installUrl": "https://ga.jspm.io/npm:other@2.0.0/", "installSubpath": null}},
                 "secondary": {},
                 "flattened": {"https://ga.jspm.io/": {"shared": [{"export": ".", "resolution": {"installUrl": "https://ga.jspm.io/npm:shared@1.0.0/", "installSubpath": null}}]}}}
                """#)
            }
            #expect(map == Self.json(#"""
            {"imports": {"app-lib": "\#(Self.appLib)"},
             "scopes": {"https://ga.jspm.io/": {"dyn": "\#(Self.dyn)", "shared": "\#(Self.shared("1.0.0"))"}}}
            """#), "\(map.serialized())")
        }
    }

    /// `packageConfigs` replaces a package's package.json, keyed by its package URL (with or without
    /// `package.json`): here app-lib without `exports` and with `dyn` only, so its `main` is the entry
    /// and shared is no dependency. Source: jspm/jspm generator/src/generator.ts (generator 2.7.2+,
    /// not in 2.5.1) `GeneratorOptions.packageConfigs` and resolver.ts (`Object.assign(this.pcfgs,
    /// packageConfigs)`: the override is the package config, not merged with the fetched one).
    @Test func packageConfigsReplaceAPackagesPackageJSON() async throws {
        try await Self.npm { fixture in
            let override = Self.json(#"{"name": "app-lib", "main": "src/feature/a.js", "dependencies": {"dyn": "1"}}"#)!
            for key in ["https://ga.jspm.io/npm:app-lib@1.0.0/", "https://ga.jspm.io/npm:app-lib@1.0.0/package.json"] {
                let map = try await generate(fixture, ["app-lib"]) { $0.packageConfigs = [key: override] }
                #expect(map == Self.json(#"{"imports": {"app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/src/feature/a.js"}}"#), "\(key): \(map.serialized())")
            }
            // null: "no package configuration for this URL", so the legacy default entry, index.js.
            let none = try await generate(fixture, ["app-lib"]) { $0.packageConfigs = ["https://ga.jspm.io/npm:app-lib@1.0.0/": .null] }
            #expect(none == Self.json(#"{"imports": {"app-lib": "https://ga.jspm.io/npm:app-lib@1.0.0/index.js"}}"#), "\(none.serialized())")
        }
    }
}
