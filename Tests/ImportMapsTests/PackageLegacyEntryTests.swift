import JSON
import Testing
@testable import ImportMaps

/// A package without `exports`: its files, a subpath and what the legacy fields give.
struct LegacyEntryCase: Sendable, CustomTestStringConvertible {
    let name: String
    let json: String
    let subpath: String
    let files: Set<String>
    let conditions: [String]
    let expected: EntryResolution

    init(_ name: String, _ json: String, _ subpath: String = ".", files: Set<String>, conditions: [String] = ["browser", "development", "module"], expected: EntryResolution) {
        self.name = name
        self.json = json
        self.subpath = subpath
        self.files = files
        self.conditions = conditions
        self.expected = expected
    }

    var testDescription: String { "\(name): \(subpath)" }
}

/// `browser`, `module`, `main`, `index` and Node's CommonJS search (X, X.js, X.json, X/index.js,
/// X/index.json) for packages without `exports`.
@Suite struct PackageLegacyEntryTests {
    static let node = ["node"]
    static let browserMap = #"""
    {"main":"./lib/server.js","browser":{"./lib/server.js":"./lib/browser.js","./lib/fs-cache":false,"./lib/net.js":"./lib/net-shim","fs":false,"./lib/ghost.js":"./lib/ghost-shim.js"}}
    """#
    static let browserMapFiles: Set<String> = ["./lib/server.js", "./lib/browser.js", "./lib/fs-cache.js", "./lib/net.js", "./lib/net-shim.js", "./lib/ghost-shim.js", "./lib/other.js"]

    static let cases: [LegacyEntryCase] = [
        .init("main only", #"{"main":"lib/index.js"}"#, files: ["./lib/index.js", "./index.js"], expected: .file("./lib/index.js")),
        .init("main with ./", #"{"main":"./dist/app.js"}"#, files: ["./dist/app.js"], expected: .file("./dist/app.js")),
        .init("main without extension", #"{"main":"lib/main"}"#, files: ["./lib/main.js"], expected: .file("./lib/main.js")),
        .init("main naming JSON", #"{"main":"data"}"#, files: ["./data.json"], expected: .file("./data.json")),
        .init("X.js before X.json", #"{"main":"data"}"#, files: ["./data.json", "./data.js"], expected: .file("./data.js")),
        .init("exact X first", #"{"main":"bin/tool"}"#, files: ["./bin/tool", "./bin/tool.js"], expected: .file("./bin/tool")),
        .init("X.json before X/index.js", #"{"main":"conf"}"#, files: ["./conf.json", "./conf/index.js"], expected: .file("./conf.json")),
        .init("main pointing at a folder", #"{"main":"lib"}"#, files: ["./lib/index.js"], expected: .file("./lib/index.js")),
        .init("main folder with index.json", #"{"main":"lib"}"#, files: ["./lib/index.json"], expected: .file("./lib/index.json")),
        .init("main with trailing slash", #"{"main":"lib/"}"#, files: ["./lib/index.js", "./lib.js"], expected: .file("./lib/index.js")),
        .init("main . is the root folder", #"{"main":"."}"#, files: ["./index.js"], expected: .file("./index.js")),
        .init(".mjs is never guessed", #"{"main":"esm/index"}"#, files: ["./esm/index.mjs"], expected: .notFound),
        .init(".mjs named in full", #"{"main":"esm/index.mjs"}"#, files: ["./esm/index.mjs"], expected: .file("./esm/index.mjs")),
        .init("missing main falls back to index", #"{"main":"gone.js"}"#, files: ["./index.js"], expected: .file("./index.js")),
        .init("main folding ..", #"{"main":"./lib/../src/main.js"}"#, files: ["./src/main.js"], expected: .file("./src/main.js")),
        .init("main climbing out is ignored", #"{"main":"../other/main.js"}"#, files: ["./index.js"], expected: .file("./index.js")),
        .init("no fields: index.js", #"{"name":"x"}"#, files: ["./index.js"], expected: .file("./index.js")),
        .init("no fields: index.json", #"{}"#, files: ["./index.json"], expected: .file("./index.json")),
        .init("nothing to load", #"{"main":"missing"}"#, files: [], expected: .notFound),
        .init("module before main", #"{"main":"lib/main.js","module":"esm/index.js"}"#, files: ["./lib/main.js", "./esm/index.js"], expected: .file("./esm/index.js")),
        .init("missing module falls back to main", #"{"main":"lib/main.js","module":"esm/gone.js"}"#, files: ["./lib/main.js"], expected: .file("./lib/main.js")),
        .init("browser string first", #"{"main":"lib/main.js","module":"esm/index.js","browser":"dist/browser.js"}"#, files: ["./lib/main.js", "./esm/index.js", "./dist/browser.js"], expected: .file("./dist/browser.js")),
        .init("browser string without extension", #"{"main":"main.js","browser":"browser"}"#, files: ["./main.js", "./browser.js"], expected: .file("./browser.js")),
        .init("browser string needs the browser condition", #"{"main":"main.js","browser":"browser.js"}"#, files: ["./main.js", "./browser.js"], conditions: node, expected: .file("./main.js")),
        .init("browser object remaps main", browserMap, files: browserMapFiles, expected: .file("./lib/browser.js")),
        .init("browser object ignored for node", browserMap, files: browserMapFiles, conditions: node, expected: .file("./lib/server.js")),
        .init("browser object remaps a subpath", browserMap, "./lib/server.js", files: browserMapFiles, expected: .file("./lib/browser.js")),
        .init("browser object remaps an extensionless subpath", browserMap, "./lib/server", files: browserMapFiles, expected: .file("./lib/browser.js")),
        .init("browser object false excludes", browserMap, "./lib/fs-cache.js", files: browserMapFiles, expected: .notFound),
        .init("browser object key without extension", browserMap, "./lib/fs-cache", files: browserMapFiles, expected: .notFound),
        .init("browser object value searched", browserMap, "./lib/net.js", files: browserMapFiles, expected: .file("./lib/net-shim.js")),
        .init("browser object stands in for a missing file", browserMap, "./lib/ghost.js", files: browserMapFiles, expected: .file("./lib/ghost-shim.js")),
        .init("browser object leaves other files", browserMap, "./lib/other.js", files: browserMapFiles, expected: .file("./lib/other.js")),
        .init("browser object false for main", #"{"main":"index.js","browser":{"./index.js":false}}"#, files: ["./index.js"], expected: .notFound),
        .init("browser object maps the module file", #"{"main":"cjs.js","module":"esm.js","browser":{"./esm.js":"./esm-browser.js"}}"#, files: ["./cjs.js", "./esm.js", "./esm-browser.js"], expected: .file("./esm-browser.js")),
        .init("browser object key without ./ prefix for main", #"{"main":"index.js","browser":{"./index":"./shim.js"}}"#, files: ["./index.js", "./shim.js"], expected: .file("./shim.js")),
        .init("subpath with extension search", #"{"main":"index.js"}"#, "./feature", files: ["./feature.js"], expected: .file("./feature.js")),
        .init("subpath folder", #"{"main":"index.js"}"#, "./dir", files: ["./dir/index.js"], expected: .file("./dir/index.js")),
        .init("subpath exact file", #"{}"#, "./dist/x.js", files: ["./dist/x.js"], expected: .file("./dist/x.js")),
        .init("subpath without ./", #"{}"#, "dist/x", files: ["./dist/x.js"], expected: .file("./dist/x.js")),
        .init("missing subpath", #"{"main":"index.js"}"#, "./missing", files: ["./index.js"], expected: .notFound),
        .init("subpath climbing out", #"{}"#, "./../x.js", files: ["./x.js"], expected: .notFound),
    ]

    @Test(arguments: cases)
    func legacyFieldsResolve(_ testCase: LegacyEntryCase) throws {
        let manifest = PackageManifest(json: try JSONValue.parse(testCase.json))
        #expect(!manifest.hasExports)
        let resolver = PackageEntryResolver(conditions: testCase.conditions)
        #expect(resolver.resolve(testCase.subpath, in: manifest, fileExists: { testCase.files.contains($0) }) == testCase.expected)
    }

    @Test func searchAsksForFilesInNodeOrder() {
        var asked: [String] = []
        let found = PackageEntryResolver.search("./lib/x", { asked.append($0); return false })
        #expect(found == nil)
        #expect(asked == ["./lib/x", "./lib/x.js", "./lib/x.json", "./lib/x/index.js", "./lib/x/index.json"])
    }

    @Test func packagePathsAreNormalised() {
        #expect(PackageEntryResolver.packagePath("lib/main") == "./lib/main")
        #expect(PackageEntryResolver.packagePath("/lib/main") == "./lib/main")
        #expect(PackageEntryResolver.packagePath("./a/./b/../c.js") == "./a/c.js")
        #expect(PackageEntryResolver.packagePath("lib/") == "./lib/")
        #expect(PackageEntryResolver.packagePath("./") == ".")
        #expect(PackageEntryResolver.packagePath("../x") == nil)
    }

    @Test func exportsWinOverLegacyFields() throws {
        let manifest = PackageManifest(json: try JSONValue.parse(#"{"main":"main.js","browser":"browser.js","exports":{"./x":"./x.js"}}"#))
        let resolver = PackageEntryResolver(conditions: ["browser"])
        #expect(resolver.resolve(".", in: manifest, fileExists: { _ in true }) == .notExported)
        #expect(resolver.resolve("./main.js", in: manifest, fileExists: { _ in true }) == .notExported)
    }
}
