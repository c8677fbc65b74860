import JSON
import Testing
@testable import ImportMaps

/// Node's exports/imports resolution and the legacy fields, as the generator applies them.
@Suite struct EntryResolutionTests {
    let browser = PackageEntryResolver(conditions: ["browser", "development", "module"])
    let node = PackageEntryResolver(conditions: ["node", "production"])

    func manifest(_ json: String) -> PackageManifest { PackageManifest(json: try! JSONValue.parse(json)) }

    func resolve(_ resolver: PackageEntryResolver, _ subpath: String, _ json: String, files: Set<String> = []) -> EntryResolution {
        resolver.resolve(subpath, in: manifest(json), fileExists: { files.contains($0) })
    }

    @Test(arguments: [
        (#"{"exports":"./index.js"}"#, ".", EntryResolution.file("./index.js")),
        (#"{"exports":{".":"./a.js","./b":"./b.js"}}"#, "./b", .file("./b.js")),
        (#"{"exports":{".":"./a.js"}}"#, "./missing", .notExported),
        (#"{"exports":{"import":"./esm.js","require":"./cjs.js"}}"#, ".", .file("./esm.js")),
        (#"{"exports":{"require":"./cjs.js"}}"#, ".", .notExported),
        (#"{"exports":{"default":"./d.js","browser":"./b.js"}}"#, ".", .file("./d.js")),
        (#"{"exports":{"browser":{"development":"./dev.js","default":"./prod.js"},"default":"./node.js"}}"#, ".", .file("./dev.js")),
        (#"{"exports":{"./features/*":"./src/features/*.js"}}"#, "./features/x", .file("./src/features/x.js")),
        (#"{"exports":{"./features/*.js":"./src/features/*.js"}}"#, "./features/a/b.js", .file("./src/features/a/b.js")),
        (#"{"exports":{"./features/*":"./src/*.js","./features/private/*":null}}"#, "./features/private/x", .notExported),
        (#"{"exports":{"./utils/":"./src/utils/"}}"#, "./utils/x.js", .file("./src/utils/x.js")),
        (#"{"exports":{".":["./nope/../x.js","./ok.js"]}}"#, ".", .file("./ok.js")),
        (#"{"exports":{".":"../outside.js"}}"#, ".", .notExported),
        (#"{"exports":{".":"./node_modules/x.js"}}"#, ".", .notExported),
        (#"{"exports":{".":"./a.js","import":"./b.js"}}"#, ".", .notExported),
        (#"{"exports":{"./*":"./dist/*.js","./a/*":"./special/*.js"}}"#, "./a/x", .file("./special/x.js")),
        (#"{"exports":{"./*":"./dist/*.js"}}"#, "./x/../../y", .notExported),
        (#"{"exports":null,"main":"main.js"}"#, ".", .file("./main.js")),
    ])
    func exportsResolveAsNodeDoes(json: String, subpath: String, expected: EntryResolution) {
        #expect(resolve(browser, subpath, json, files: ["./main.js"]) == expected, "\(json) \(subpath)")
    }

    @Test func nodeConditionsPickOtherBranches() {
        let json = #"{"exports":{"browser":"./b.js","node":"./n.js","default":"./d.js"}}"#
        #expect(resolve(node, ".", json) == .file("./n.js"))
        #expect(resolve(browser, ".", json) == .file("./b.js"))
    }

    @Test func legacyFieldsSearchForFiles() {
        let files: Set<String> = ["./lib/main.js", "./esm/index.mjs", "./browser.js", "./dir/index.js", "./server.js", "./shim.js"]
        #expect(resolve(browser, ".", #"{"main":"lib/main"}"#, files: files) == .file("./lib/main.js"))
        #expect(resolve(browser, ".", #"{"main":"lib/main.js","module":"esm/index.mjs"}"#, files: files) == .file("./esm/index.mjs"))
        #expect(resolve(browser, ".", #"{"main":"lib/main.js","browser":"browser.js"}"#, files: files) == .file("./browser.js"))
        #expect(resolve(node, ".", #"{"main":"lib/main.js","browser":"browser.js"}"#, files: files) == .file("./lib/main.js"))
        #expect(resolve(browser, ".", #"{"main":"dir"}"#, files: files) == .file("./dir/index.js"))
        #expect(resolve(browser, ".", #"{}"#, files: ["./index.js"]) == .file("./index.js"))
        #expect(resolve(browser, ".", #"{"main":"missing"}"#, files: []) == .notFound)
        let browserMap = #"{"main":"server.js","browser":{"./server.js":"./shim.js","./dir/index.js":false}}"#
        #expect(resolve(browser, ".", browserMap, files: files) == .file("./shim.js"))
        #expect(resolve(browser, "./dir", browserMap, files: files) == .notFound)
        #expect(resolve(node, ".", browserMap, files: files) == .file("./server.js"))
    }

    @Test func importsResolveHashSpecifiers() {
        let json = manifest(##"{"imports":{"#dep":"lodash","#internal/*":{"browser":"./src/browser/*.js","default":"./src/*.js"},"#x":"../escape.js"}}"##)
        #expect(browser.resolveImport("#dep", in: json) == "lodash")
        #expect(browser.resolveImport("#internal/a", in: json) == "./src/browser/a.js")
        #expect(node.resolveImport("#internal/a", in: json) == "./src/a.js")
        #expect(browser.resolveImport("#x", in: json) == nil)
        #expect(browser.resolveImport("#missing", in: json) == nil)
    }

    @Test func exportedSubpathsExpandPatterns() {
        let json = manifest(#"{"exports":{".":"./index.js","./feature/*":"./src/feature/*.js","./feature/secret/*":null,"./package.json":"./package.json"}}"#)
        let subpaths = browser.exportedSubpaths(of: json, files: ["index.js", "src/feature/a.js", "src/feature/secret/s.js", "package.json"])
        #expect(subpaths["."] == "./index.js")
        #expect(subpaths["./package.json"] == "./package.json")
        #expect(subpaths["./feature/a"] == "./src/feature/a.js")
        #expect(!subpaths.keys.contains { $0.hasPrefix("./feature/secret") }, "null targets exclude: \(subpaths)")
    }
}
