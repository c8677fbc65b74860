import JSON
import Testing
@testable import ImportMaps

/// `imports` (`#name` specifiers) and the listing of every exported subpath.
@Suite struct PackageImportsAndListingTests {
    let browser = PackageEntryResolver(conditions: ["browser", "development", "module"])
    let node = PackageEntryResolver(conditions: ["node"])

    func manifest(_ json: String) throws -> PackageManifest { PackageManifest(json: try JSONValue.parse(json)) }

    static let imports = ##"""
    {"name":"app","imports":{
      "#dep":{"node":"dep-node-native","default":"./dep-polyfill.js"},
      "#lodash":"lodash",
      "#lodash/*":"lodash/*",
      "#internal/*":"./src/internal/*.js",
      "#internal/private/*":null,
      "#internal/*.mjs":"./src/mjs/*.mjs",
      "#cjs":{"require":"./cjs.js"},
      "#fallback":["../escape.js",{"worker":"./w.js"},"./fallback.js"],
      "#escape":"../escape.js",
      "#abs":"/abs.js",
      "#fs":"node:fs",
      "#url":"https://example.com/x.js",
      "#scoped":"@scope/pkg/sub",
      "#bad-match/*":"./src/*.js",
      "#/root":"./root.js",
      "#dir/":"./dir/"
    }}
    """##

    @Test func conditionsPickTheTarget() throws {
        let json = try manifest(Self.imports)
        #expect(browser.resolveImport("#dep", in: json) == "./dep-polyfill.js")
        #expect(node.resolveImport("#dep", in: json) == "dep-node-native")
    }

    @Test func bareSpecifiersPassThrough() throws {
        let json = try manifest(Self.imports)
        #expect(browser.resolveImport("#lodash", in: json) == "lodash")
        #expect(browser.resolveImport("#lodash/fp", in: json) == "lodash/fp")
        #expect(browser.resolveImport("#scoped", in: json) == "@scope/pkg/sub")
    }

    @Test func patternsAndExclusions() throws {
        let json = try manifest(Self.imports)
        #expect(browser.resolveImport("#internal/a", in: json) == "./src/internal/a.js")
        #expect(browser.resolveImport("#internal/a/b", in: json) == "./src/internal/a/b.js")
        #expect(browser.resolveImport("#internal/x.mjs", in: json) == "./src/mjs/x.mjs", "same prefix: the longer key wins")
        #expect(browser.resolveImport("#internal/private/key", in: json) == nil)
        #expect(browser.resolveImport("#bad-match/../x", in: json) == nil)
        #expect(browser.resolveImport("#bad-match/node_modules/x", in: json) == nil)
    }

    @Test func invalidTargetsAndSpecifiers() throws {
        let json = try manifest(Self.imports)
        #expect(browser.resolveImport("#escape", in: json) == nil)
        #expect(browser.resolveImport("#abs", in: json) == nil)
        #expect(browser.resolveImport("#fs", in: json) == nil, "Node rejects URL targets such as node:fs")
        #expect(browser.resolveImport("#url", in: json) == nil)
        #expect(browser.resolveImport("#cjs", in: json) == nil, "require never applies")
        #expect(browser.resolveImport("#missing", in: json) == nil)
        #expect(browser.resolveImport("#/root", in: json) == nil, "#/ is reserved")
        #expect(browser.resolveImport("#", in: json) == nil)
        #expect(browser.resolveImport("#dir/", in: json) == nil, "specifiers may not end in /")
        #expect(browser.resolveImport("lodash", in: json) == nil, "only # specifiers")
        #expect(browser.resolveImport("#dep", in: try manifest(#"{"name":"no-imports"}"#)) == nil)
    }

    @Test func arrayFallbacks() throws {
        #expect(browser.resolveImport("#fallback", in: try manifest(Self.imports)) == "./fallback.js")
    }

    @Test func folderMappings() throws {
        #expect(browser.resolveImport("#dir/x.js", in: try manifest(Self.imports)) == "./dir/x.js")
    }

    // MARK: exportedSubpaths

    @Test func reactListsItsExactKeys() throws {
        let json = try manifest(PackageExportsTableTests.react)
        #expect(browser.exportedSubpaths(of: json, files: []) == [
            ".": "./index.js",
            "./package.json": "./package.json",
            "./jsx-runtime": "./jsx-runtime.js",
            "./jsx-dev-runtime": "./jsx-dev-runtime.js",
        ])
        #expect(PackageEntryResolver(conditions: ["react-server"]).exportedSubpaths(of: json, files: [])["."] == "./react.shared-subset.js")
    }

    @Test func patternsExpandAgainstFilesAndSkipNullTargets() throws {
        let json = try manifest(#"{"exports":{".":"./index.js","./feature/*":"./src/feature/*.js","./feature/secret/*":null,"./package.json":"./package.json"}}"#)
        let subpaths = browser.exportedSubpaths(of: json, files: ["index.js", "src/feature/a.js", "src/feature/b/c.js", "src/feature/secret/s.js", "src/feature/readme.md", "src/other.js", "package.json"])
        #expect(subpaths == [
            ".": "./index.js",
            "./package.json": "./package.json",
            "./feature/a": "./src/feature/a.js",
            "./feature/b/c": "./src/feature/b/c.js",
        ])
    }

    @Test func conditionsChooseWhichFilesAreListed() throws {
        let json = try manifest(PackageExportsTableTests.babelRuntime)
        let files = ["helpers/extends.js", "helpers/esm/extends.js", "helpers/asyncToGenerator.js", "helpers/esm/asyncToGenerator.js", "package.json", "regenerator/index.js", "regenerator/runtime.js"]
        let subpaths = browser.exportedSubpaths(of: json, files: files)
        #expect(subpaths["./helpers/extends"] == "./helpers/esm/extends.js")
        #expect(subpaths["./helpers/asyncToGenerator"] == "./helpers/esm/asyncToGenerator.js")
        #expect(subpaths["./helpers/esm/extends"] == nil, "the esm files are reached through ./helpers/*, not listed as their own subpaths")
        #expect(subpaths["./package"] == "./package.json")
        #expect(subpaths["./regenerator"] == "./regenerator/index.js")
        #expect(subpaths["./regenerator/runtime.js"] == "./regenerator/runtime.js")
        #expect(subpaths["./regenerator/index.js"] == "./regenerator/index.js")
        #expect(subpaths.count == 6, "\(subpaths)")
    }

    @Test func moreSpecificKeysWinInListings() throws {
        let json = try manifest(#"{"exports":{"./*":"./dist/*.js","./a/*":"./special/*.js","./a/x":"./exact.js"}}"#)
        let subpaths = browser.exportedSubpaths(of: json, files: ["./dist/a/y.js", "./dist/b.js", "./special/y.js", "./special/x.js"])
        #expect(subpaths == [
            "./a/x": "./exact.js",
            "./a/y": "./special/y.js",
            "./b": "./dist/b.js",
        ])
    }

    @Test func folderMappingsAndMultiStarTargetsExpand() throws {
        let json = try manifest(#"{"exports":{"./utils/":"./src/utils/","./locale/*":"./dist/*/index-*.js"}}"#)
        let subpaths = browser.exportedSubpaths(of: json, files: ["src/utils/a.js", "src/utils/b/c.js", "dist/en/index-en.js", "dist/en/index-fr.js"])
        #expect(subpaths == [
            "./utils/a.js": "./src/utils/a.js",
            "./utils/b/c.js": "./src/utils/b/c.js",
            "./locale/en": "./dist/en/index-en.js",
        ])
    }

    @Test func listingsOfOtherShapes() throws {
        #expect(browser.exportedSubpaths(of: try manifest(#"{"exports":"./index.js"}"#), files: []) == [".": "./index.js"])
        #expect(browser.exportedSubpaths(of: try manifest(#"{"exports":{"import":"./esm.js","require":"./cjs.js"}}"#), files: []) == [".": "./esm.js"])
        #expect(browser.exportedSubpaths(of: try manifest(#"{"exports":{".":"./a.js","default":"./b.js"}}"#), files: ["a.js"]).isEmpty, "mixed keys are invalid")
        #expect(browser.exportedSubpaths(of: try manifest(#"{"main":"index.js"}"#), files: ["index.js"]).isEmpty, "no exports, no listing")
        #expect(browser.exportedSubpaths(of: try manifest(#"{"exports":{".":"./a.js","./cjs":{"require":"./cjs.js"},"./bad":"../x.js"}}"#), files: []) == [".": "./a.js"])
        let uuid = try manifest(PackageExportsTableTests.uuid)
        #expect(node.exportedSubpaths(of: uuid, files: [])["."] == "./wrapper.mjs")
        #expect(browser.exportedSubpaths(of: uuid, files: [])["."] == "./dist/esm-browser/index.js")
    }
}

/// The files any condition's entry points reach, for pruning unused files.
@Suite struct PackageEntryFilesTests {
    func entryFiles(_ json: String, _ files: Set<String>) throws -> Set<String> {
        PackageEntryResolver.allEntryFiles(of: PackageManifest(json: try JSONValue.parse(json)), files: files)
    }

    @Test func everyConditionOfExportsCounts() throws {
        let files: Set<String> = ["dist/esm-browser/index.js", "dist/commonjs-browser/index.js", "dist/esm-node/index.js", "dist/index.js", "wrapper.mjs", "package.json", "README.md", "dist/bin/uuid"]
        #expect(try entryFiles(PackageExportsTableTests.uuid, files) == ["dist/esm-browser/index.js", "dist/commonjs-browser/index.js", "dist/esm-node/index.js", "dist/index.js", "wrapper.mjs", "package.json"])
    }

    @Test func patternsFoldersAndImportsExpand() throws {
        let json = ##"{"exports":{"./f/*":"./src/f/*.js","./f/no/*":null,"./u/":"./src/u/"},"imports":{"#i/*":"./src/i/*.js","#dep":"lodash"}}"##
        let files: Set<String> = ["src/f/a.js", "src/f/b/c.js", "src/f/a.md", "src/u/x.css", "src/i/k.js", "src/other.js"]
        #expect(try entryFiles(json, files) == ["src/f/a.js", "src/f/b/c.js", "src/u/x.css", "src/i/k.js"])
    }

    @Test func legacyFieldsAreSearched() throws {
        let json = #"{"main":"lib/main","module":"esm/index.mjs","browser":{"./lib/main.js":"./lib/browser","./lib/fs.js":false,"fs":false}}"#
        let files: Set<String> = ["lib/main.js", "lib/browser.js", "lib/fs.js", "esm/index.mjs", "index.js", "other.js"]
        #expect(try entryFiles(json, files) == ["lib/main.js", "lib/browser.js", "lib/fs.js", "esm/index.mjs", "index.js"])
        #expect(try entryFiles(#"{"browser":"dist/b"}"#, ["dist/b.js", "x.js"]) == ["dist/b.js"])
    }
}
