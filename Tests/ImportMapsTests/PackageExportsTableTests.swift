import JSON
import Testing
@testable import ImportMaps

/// One `exports` resolution: a package.json, a subpath, the conditions, and what Node gives.
struct ExportsTableCase: Sendable, CustomTestStringConvertible {
    let name: String
    let json: String
    let subpath: String
    let conditions: [String]
    let expected: EntryResolution

    init(_ name: String, _ json: String, conditions: [String] = ExportsTableCase.browser, _ expected: EntryResolution) {
        self.init(name, json, ".", conditions: conditions, expected)
    }

    init(_ name: String, _ json: String, _ subpath: String, conditions: [String] = ExportsTableCase.browser, _ expected: EntryResolution) {
        self.name = name
        self.json = json
        self.subpath = subpath
        self.conditions = conditions
        self.expected = expected
    }

    static let browser = ["browser", "development", "module"]
    static let production = ["browser", "production", "module"]
    static let node = ["node"]

    var testDescription: String { "\(name): \(subpath)" }
}

/// Node's PACKAGE_EXPORTS_RESOLVE as applied to real packages' and Node's own test fixtures.
/// Expectations were checked against node v20 `import.meta.resolve` where Node has an opinion.
@Suite struct PackageExportsTableTests {
    static let react = #"""
    {"name":"react","version":"19.0.0","main":"index.js","exports":{
      ".":{"react-server":"./react.shared-subset.js","default":"./index.js"},
      "./package.json":"./package.json",
      "./jsx-runtime":{"react-server":"./jsx-runtime.react-server.js","default":"./jsx-runtime.js"},
      "./jsx-dev-runtime":{"react-server":"./jsx-dev-runtime.react-server.js","default":"./jsx-dev-runtime.js"}}}
    """#
    static let lit = #"""
    {"name":"lit","type":"module","main":"index.js","module":"index.js","exports":{
      ".":{"types":"./development/index.d.ts","development":"./development/index.js","default":"./index.js"},
      "./decorators.js":{"types":"./development/decorators.d.ts","development":"./development/decorators.js","default":"./decorators.js"},
      "./directives/*.js":{"types":"./development/directives/*.d.ts","development":"./development/directives/*.js","default":"./directives/*.js"}}}
    """#
    static let preact = #"""
    {"name":"preact","main":"dist/preact.js","module":"dist/preact.module.js","umd:main":"dist/preact.umd.js","exports":{
      ".":{"types":"./src/index.d.ts","browser":"./dist/preact.module.js","umd":"./dist/preact.umd.js","import":"./dist/preact.mjs","require":"./dist/preact.js"},
      "./hooks":{"types":"./hooks/src/index.d.ts","browser":"./hooks/dist/hooks.module.js","umd":"./hooks/dist/hooks.umd.js","import":"./hooks/dist/hooks.mjs","require":"./hooks/dist/hooks.js"},
      "./package.json":"./package.json"}}
    """#
    static let babelRuntime = #"""
    {"name":"@babel/runtime","exports":{
      "./helpers/asyncToGenerator":[{"node":"./helpers/asyncToGenerator.js","import":"./helpers/esm/asyncToGenerator.js","default":"./helpers/asyncToGenerator.js"},"./helpers/asyncToGenerator.js"],
      "./helpers/*":{"import":"./helpers/esm/*.js","default":"./helpers/*.js"},
      "./package":"./package.json",
      "./regenerator":"./regenerator/index.js",
      "./regenerator/*.js":"./regenerator/*.js",
      "./regenerator/":"./regenerator/"}}
    """#
    static let uuid = #"""
    {"name":"uuid","main":"./dist/index.js","exports":{
      ".":{"node":{"module":"./dist/esm-node/index.js","require":"./dist/index.js","import":"./wrapper.mjs"},
           "browser":{"import":"./dist/esm-browser/index.js","require":"./dist/commonjs-browser/index.js"},
           "default":"./dist/esm-browser/index.js"},
      "./package.json":"./package.json"}}
    """#
    static let features = #"""
    {"exports":{".":"./index.js",
      "./features/*":"./src/features/*.js",
      "./features/private/*":null,
      "./features/*.js":"./src/features/*.js",
      "./utils/":"./src/utils/",
      "./utils/special/*":"./special/*.js",
      "./*":"./dist/*.js",
      "./a/*":"./special/a/*.js",
      "./a/x.js":"./exact.js"}}
    """#

    static let cases: [ExportsTableCase] = [
        // Sugar: a string, array or condition object is the "." export.
        .init("string sugar", #"{"exports":"./index.js"}"#, .file("./index.js")),
        .init("string sugar exports nothing else", #"{"exports":"./index.js"}"#, "./index.js", .notExported),
        .init("array sugar", #"{"exports":["./index.js"]}"#, .file("./index.js")),
        .init("condition sugar picks import", #"{"exports":{"import":"./esm.js","require":"./cjs.js"}}"#, .file("./esm.js")),
        .init("require-only", #"{"exports":{"require":"./cjs.js"}}"#, .notExported),
        .init("require-only subpath", #"{"exports":{".":"./a.js","./cjs":{"require":"./cjs.js"}}}"#, "./cjs", .notExported),
        .init("node-only under browser conditions", #"{"exports":{"node":"./n.js"}}"#, .notExported),
        .init("default before browser: key order wins", #"{"exports":{"default":"./d.js","browser":"./b.js"}}"#, .file("./d.js")),
        .init("browser before default", #"{"exports":{"browser":"./b.js","default":"./d.js"}}"#, .file("./b.js")),
        .init("import before browser", #"{"exports":{"import":"./i.js","browser":"./b.js"}}"#, .file("./i.js")),
        .init("nested conditions", #"{"exports":{"browser":{"development":"./dev.js","default":"./prod.js"},"default":"./node.js"}}"#, .file("./dev.js")),
        .init("nested conditions, production", #"{"exports":{"browser":{"development":"./dev.js","default":"./prod.js"},"default":"./node.js"}}"#, conditions: ExportsTableCase.production, .file("./prod.js")),
        .init("unmatched nested branch falls through", #"{"exports":{"browser":{"worker":"./w.js"},"default":"./d.js"}}"#, .file("./d.js")),
        .init("matched null stops the walk", #"{"exports":{"browser":null,"default":"./d.js"}}"#, .notExported),
        .init("types condition does not apply", #"{"exports":{"types":"./index.d.ts","default":"./index.js"}}"#, .file("./index.js")),
        .init("mixed subpaths and conditions", #"{"exports":{".":"./a.js","import":"./b.js"}}"#, .notExported),
        .init("empty exports object", #"{"exports":{},"main":"index.js"}"#, .notExported),
        .init("numeric condition key is invalid", #"{"exports":{".":{"0":"./a.js","default":"./b.js"}}}"#, .notExported),
        .init("duplicate keys: last value wins", #"{"exports":{".":"./a.js",".":"./b.js"}}"#, .file("./b.js")),
        .init("subpath without ./ is normalised", #"{"exports":{"./feature":"./f.js"}}"#, "feature", .file("./f.js")),
        .init("exports true exports nothing", #"{"exports":true}"#, .notExported),
        // react
        .init("react main", react, .file("./index.js")),
        .init("react-server condition", react, conditions: ["react-server"], .file("./react.shared-subset.js")),
        .init("react package.json", react, "./package.json", .file("./package.json")),
        .init("react jsx-runtime", react, "./jsx-runtime", .file("./jsx-runtime.js")),
        .init("react internals are not exported", react, "./cjs/react.development.js", .notExported),
        // lit
        .init("lit development", lit, .file("./development/index.js")),
        .init("lit production", lit, conditions: ExportsTableCase.production, .file("./index.js")),
        .init("lit decorators", lit, "./decorators.js", .file("./development/decorators.js")),
        .init("lit directive pattern", lit, "./directives/repeat.js", .file("./development/directives/repeat.js")),
        .init("lit directive needs .js", lit, "./directives/repeat", .notExported),
        // preact
        .init("preact browser", preact, .file("./dist/preact.module.js")),
        .init("preact node takes import", preact, conditions: ExportsTableCase.node, .file("./dist/preact.mjs")),
        .init("preact umd", preact, conditions: ["umd"], .file("./dist/preact.umd.js")),
        .init("preact hooks", preact, "./hooks", .file("./hooks/dist/hooks.module.js")),
        .init("preact compat not exported", preact, "./compat", .notExported),
        // @babel/runtime
        .init("babel helper pattern takes import", babelRuntime, "./helpers/extends", .file("./helpers/esm/extends.js")),
        .init("babel exact helper beats pattern", babelRuntime, "./helpers/asyncToGenerator", conditions: ExportsTableCase.node, .file("./helpers/asyncToGenerator.js")),
        .init("babel exact helper, browser", babelRuntime, "./helpers/asyncToGenerator", .file("./helpers/esm/asyncToGenerator.js")),
        .init("babel package alias", babelRuntime, "./package", .file("./package.json")),
        .init("babel regenerator pattern", babelRuntime, "./regenerator/runtime.js", .file("./regenerator/runtime.js")),
        .init("babel no main export", babelRuntime, .notExported),
        // uuid
        .init("uuid browser", uuid, .file("./dist/esm-browser/index.js")),
        .init("uuid node import", uuid, conditions: ExportsTableCase.node, .file("./wrapper.mjs")),
        .init("uuid node module", uuid, conditions: ["node", "module"], .file("./dist/esm-node/index.js")),
        .init("uuid default", uuid, conditions: [], .file("./dist/esm-browser/index.js")),
        // patterns, exclusions, folders
        .init("pattern", features, "./features/x", .file("./src/features/x.js")),
        .init("pattern with extension key", features, "./features/a/b.js", .file("./src/features/a/b.js")),
        .init("null exclusion", features, "./features/private/secret", .notExported),
        .init("longest prefix wins", features, "./a/y", .file("./special/a/y.js")),
        .init("exact key beats patterns", features, "./a/x.js", .file("./exact.js")),
        .init("catch-all pattern", features, "./other/z", .file("./dist/other/z.js")),
        .init("empty pattern match", #"{"exports":{"./features/*.js":"./src/*.js"}}"#, "./features/.js", .notExported),
        .init("pattern match with ..", features, "./other/../../secret", .notExported),
        .init("pattern match with encoded ..", features, "./other/%2e%2E/x", .notExported),
        .init("pattern match with node_modules", features, "./node_modules/x", .notExported),
        .init("pattern match may hold empty segments", features, "./other//z", .file("./dist/other//z.js")),
        .init("same prefix: longer key wins", #"{"exports":{"./a/*":"./one/*","./a/*.js":"./two/*.js"}}"#, "./a/x.js", .file("./two/x.js")),
        .init("star replaced everywhere", #"{"exports":{"./l/*":"./dist/*/index-*.js"}}"#, "./l/en", .file("./dist/en/index-en.js")),
        .init("keys with two stars never match", #"{"exports":{"./*/*":"./x/*.js"}}"#, "./a/b", .notExported),
        .init("folder mapping", features, "./utils/x.js", .file("./src/utils/x.js")),
        .init("pattern with longer prefix beats folder", features, "./utils/special/a", .file("./special/a.js")),
        .init("folder target must end in /", #"{"exports":{"./utils/":"./src/utils"}}"#, "./utils/x.js", .notExported),
        .init("folder itself is not a file", #"{"exports":{"./utils/":"./src/utils/"}}"#, "./utils/", .notExported),
        // arrays and invalid targets
        .init("array skips invalid ..", #"{"exports":{".":["./nope/../x.js","./ok.js"]}}"#, .file("./ok.js")),
        .init("array skips bare target", #"{"exports":{".":["lodash","./ok.js"]}}"#, .file("./ok.js")),
        .init("array skips null", #"{"exports":{".":[null,"./ok.js"]}}"#, .file("./ok.js")),
        .init("array skips unmatched conditions", #"{"exports":{".":[{"worker":"./w.js"},"./fallback.js"]}}"#, .file("./fallback.js")),
        .init("array of invalid targets", #"{"exports":{".":["../a.js","/b.js"]}}"#, .notExported),
        .init("empty array", #"{"exports":{".":[]}}"#, .notExported),
        .init("target with ..", #"{"exports":{".":"../outside.js"}}"#, .notExported),
        .init("target with inner ..", #"{"exports":{".":"./a/../../outside.js"}}"#, .notExported),
        .init("target with node_modules", #"{"exports":{".":"./node_modules/x.js"}}"#, .notExported),
        .init("target with NODE_MODULES", #"{"exports":{".":"./NODE_MODULES/x.js"}}"#, .notExported),
        .init("target with . segment", #"{"exports":{".":"./x/./y.js"}}"#, .notExported),
        .init("target with encoded ..", #"{"exports":{".":"./%2e%2e/x.js"}}"#, .notExported),
        .init("absolute target", #"{"exports":{".":"/abs.js"}}"#, .notExported),
        .init("URL target", #"{"exports":{".":"https://example.com/x.js"}}"#, .notExported),
        .init("bare target outside imports", #"{"exports":{".":"lodash"}}"#, .notExported),
        .init("numeric target", #"{"exports":{".":1}}"#, .notExported),
        .init("invalid target in a condition is fatal", #"{"exports":{".":{"import":"../x.js","default":"./a.js"}}}"#, .notExported),
        .init("target with empty segment is allowed", #"{"exports":{".":"./a//b.js"}}"#, .file("./a//b.js")),
        // exports null means no exports
        .init("exports null falls back to main", #"{"exports":null,"main":"main.js"}"#, .file("./main.js")),
    ]

    @Test(arguments: cases)
    func exportsResolveAsNodeDoes(_ testCase: ExportsTableCase) throws {
        let manifest = PackageManifest(json: try JSONValue.parse(testCase.json))
        let resolver = PackageEntryResolver(conditions: testCase.conditions)
        // Exports targets are taken as written, so no file needs to exist, except for the
        // `main` fallback.
        let result = resolver.resolve(testCase.subpath, in: manifest, fileExists: { $0 == "./main.js" })
        #expect(result == testCase.expected, "\(testCase.json)")
    }

    /// The table stays large, each case is told apart by its description (each runs as one argument
    /// of `exportsResolveAsNodeDoes`), and it exercises both outcomes, subpaths and every condition set.
    @Test func tableIsLargeDistinctAndCoversEachOutcome() {
        #expect(Self.cases.count >= 40)
        #expect(Set(Self.cases.map(\.testDescription)).count == Self.cases.count)
        #expect(Self.cases.contains { if case .file = $0.expected { true } else { false } })
        #expect(Self.cases.contains { $0.expected == .notExported })
        #expect(Self.cases.contains { $0.subpath != "." })
        for conditions in [ExportsTableCase.browser, ExportsTableCase.production, ExportsTableCase.node] {
            #expect(Self.cases.contains { $0.conditions == conditions }, "\(conditions)")
        }
    }

    @Test func requireIsNeverAConditionEvenWhenAsked() throws {
        let manifest = PackageManifest(json: try JSONValue.parse(#"{"exports":{"require":"./cjs.js","default":"./d.js"}}"#))
        let resolver = PackageEntryResolver(conditions: ["require", "node"])
        #expect(resolver.conditions == ["node", "import", "default"])
        #expect(resolver.resolve(".", in: manifest, fileExists: { _ in false }) == .file("./d.js"))
    }

    @Test func manifestReadsItsFields() throws {
        let manifest = PackageManifest(json: try JSONValue.parse(#"""
        {"name":"pkg","version":"1.2.3","type":"module","main":"main.js","module":"esm.js","browser":"b.js",
         "exports":{".":"./index.js"},"imports":{"#a":"./a.js"},
         "dependencies":{"lodash":"^4.0.0","bad":1},"peerDependencies":{"react":">=18"},"optionalDependencies":{"fsevents":"*"}}
        """#))
        #expect(manifest.name == "pkg")
        #expect(manifest.version == "1.2.3")
        #expect(manifest.type == "module")
        #expect(manifest.isModuleType)
        #expect(manifest.main == "main.js")
        #expect(manifest.module == "esm.js")
        #expect(manifest.browser == .string("b.js"))
        #expect(manifest.hasExports)
        #expect(manifest.imports?["#a"] == .string("./a.js"))
        #expect(manifest.dependencies == ["lodash": "^4.0.0"])
        #expect(manifest.peerDependencies == ["react": ">=18"])
        #expect(manifest.optionalDependencies == ["fsevents": "*"])
        let bare = PackageManifest(json: try JSONValue.parse(#"{"exports":null}"#))
        #expect(!bare.hasExports)
        #expect(bare.name == nil && bare.dependencies.isEmpty && !bare.isModuleType)
    }

    @Test func patternKeyCompareFollowsNode() {
        #expect(PackageEntryResolver.patternKeyCompare("./*", "./a/*") > 0)
        #expect(PackageEntryResolver.patternKeyCompare("./a/*", "./*") < 0)
        #expect(PackageEntryResolver.patternKeyCompare("./a/*", "./a/*.js") > 0)
        #expect(PackageEntryResolver.patternKeyCompare("./a/", "./a/*") > 0, "a pattern beats a folder of the same base")
        #expect(PackageEntryResolver.patternKeyCompare("", "./a/") > 0)
        #expect(PackageEntryResolver.patternKeyCompare("./a/*", "./a/*") == 0)
    }
}
