import Foundation
import Registry
import Tarball
import Testing
import StoreTestSupport

/// The code `body` throws, or nil when it succeeds; lets a table name only the expected code.
private func taskErrorCode(_ body: () throws(JSRTaskError) -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return error.code
    }
}

private func taskError(_ body: () throws(JSRTaskError) -> Void) -> JSRTaskError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

/// jsr.io's publish checks on an unpacked tarball: entry types, sizes, paths, config file and exports.
@Suite struct JSRPackageRulesTests {
    static let config = #"{ "name": "@std/fmt", "version": "1.0.0", "exports": "./mod.ts" }"#

    static func archive(_ files: [(String, String)], specials: [TarSpecialEntry] = []) -> TarArchive {
        TarArchive(files: files.map { TarEntry(path: $0.0, bytes: Array($0.1.utf8)) }, specials: specials)
    }

    static func check(
        _ archive: TarArchive,
        configPath: String = "/jsr.json",
        version: String = "1.0.0",
        limits: JSRLimits = JSRLimits()
    ) throws(JSRTaskError) -> JSRPackageContents {
        try JSRPackageRules.check(
            archive: archive, configPath: configPath, scope: "std", name: "fmt", version: version, limits: limits)
    }

    static func code(_ archive: TarArchive, configPath: String = "/jsr.json", limits: JSRLimits = JSRLimits()) -> String? {
        taskErrorCode { () throws(JSRTaskError) in _ = try check(archive, configPath: configPath, limits: limits) }
    }

    static func configCode(_ config: String, files: [(String, String)] = [("mod.ts", "export {}")]) -> String? {
        code(archive([("jsr.json", config)] + files))
    }

    // MARK: Success

    @Test func stringExportsBecomeTheRootExport() throws {
        let contents = try Self.check(Self.archive([("mod.ts", "export const a = 1"), ("jsr.json", Self.config)]))
        #expect(contents.files.map(\.path) == ["/jsr.json", "/mod.ts"])
        #expect(contents.files[1].bytes == Array("export const a = 1".utf8))
        #expect(contents.exports.map(\.key) == ["."])
        #expect(contents.exports.map(\.target) == ["./mod.ts"])
        #expect(contents.exportPaths == ["/mod.ts"])
        #expect(contents.configPath == "/jsr.json")
        #expect(contents.file("/mod.ts") == Array("export const a = 1".utf8))
    }

    @Test func objectExportsKeepConfigOrder() throws {
        let config = #"{"name":"@std/fmt","exports":{"./zeta":"./z.ts",".":"./mod.ts","./alpha/beta":"./a/b.ts","./mid":"./m.js"}}"#
        let contents = try Self.check(Self.archive([
            ("jsr.json", config), ("mod.ts", ""), ("z.ts", ""), ("a/b.ts", ""), ("m.js", ""),
        ]))
        #expect(contents.exports.map(\.key) == ["./zeta", ".", "./alpha/beta", "./mid"])
        #expect(contents.exports.map(\.target) == ["./z.ts", "./mod.ts", "./a/b.ts", "./m.js"])
        #expect(contents.files.map(\.path) == ["/a/b.ts", "/jsr.json", "/m.js", "/mod.ts", "/z.ts"])
    }

    @Test func jsoncConfigWithCommentsAndTrailingCommas() throws {
        let config = """
            // deno.json for @std/fmt
            {
              "name": "@std/fmt", /* the scope must match */
              "version": "1.0.0",
              "exports": {
                "./colors": "./colors.ts",
                ".": "./mod.ts",
              },
              "imports": { "@std/assert": "jsr:@std/assert@^1", },
              "tasks": [1, -2.5e3, true, false, null, "\\u00e9\\ud83d\\ude00"],
            }
            """
        let contents = try Self.check(
            Self.archive([("deno.json", config), ("mod.ts", ""), ("colors.ts", "")]), configPath: "/deno.json")
        #expect(contents.exports.map(\.key) == ["./colors", "."])
    }

    @Test func versionMayBeLeftOut() throws {
        let contents = try Self.check(Self.archive([("jsr.json", #"{"name":"@std/fmt","exports":"./mod.ts"}"#), ("mod.ts", "")]))
        #expect(contents.exports.count == 1)
    }

    @Test func directoriesAreSkipped() throws {
        let archive = Self.archive([("jsr.json", Self.config), ("mod.ts", "")],
                                   specials: [TarSpecialEntry(path: "./", kind: .directory), TarSpecialEntry(path: "./lib/", kind: .directory)])
        #expect(throws: Never.self) { try Self.check(archive) }
    }

    @Test func limitsAtTheirBoundsPass() throws {
        let archive = Self.archive([("jsr.json", Self.config), ("mod.ts", "12345")])
        let exact = JSRLimits(maxFileSize: Self.config.utf8.count, maxPackageSize: Self.config.utf8.count + 5, maxFiles: 2)
        #expect(throws: Never.self) { try Self.check(archive, limits: exact) }
    }

    @Test func defaultLimits() {
        #expect(JSRLimits() == JSRLimits(maxFileSize: 4 * 1024 * 1024, maxPackageSize: 20 * 1024 * 1024, maxFiles: 10_000))
    }

    // MARK: Entry types, sizes and paths

    @Test func linksAreRefused() {
        for kind in [TarSpecialEntry.Kind.symbolicLink, .hardLink] {
            let archive = Self.archive([("jsr.json", Self.config), ("mod.ts", "")],
                                       specials: [TarSpecialEntry(path: "./alias.ts", kind: kind)])
            let error = taskError { () throws(JSRTaskError) in _ = try Self.check(archive) }
            #expect(error?.code == "linkInTarball")
            #expect(error?.message == "entry at '/alias.ts' is a link, only regular files and directories are allowed")
        }
    }

    @Test(arguments: [TarSpecialEntry.Kind.fifo, .characterDevice, .blockDevice, .other(UInt8(ascii: "S"))])
    func otherEntryTypesAreRefused(kind: TarSpecialEntry.Kind) {
        let archive = Self.archive([("jsr.json", Self.config), ("mod.ts", "")], specials: [TarSpecialEntry(path: "dev", kind: kind)])
        #expect(Self.code(archive) == "invalidEntryType")
    }

    @Test func tooManyFilesOrBytesIsPackageTooLarge() {
        let archive = Self.archive([("jsr.json", Self.config), ("mod.ts", "12345"), ("b.ts", "")])
        #expect(Self.code(archive, limits: JSRLimits(maxFiles: 2)) == "packageTooLarge")
        #expect(Self.code(archive, limits: JSRLimits(maxPackageSize: Self.config.utf8.count + 4)) == "packageTooLarge")
    }

    @Test func oversizedFileIsFileTooLarge() {
        let archive = Self.archive([("jsr.json", Self.config), ("mod.ts", String(repeating: "x", count: 200))])
        let error = taskError { () throws(JSRTaskError) in _ = try Self.check(archive, limits: JSRLimits(maxFileSize: 100)) }
        #expect(error?.code == "fileTooLarge")
        #expect(error?.message == "file at path '/mod.ts' too large, max size is 100, got 200")
    }

    @Test(arguments: [
        "a b.ts", "a%20.ts", "a#.ts", "a:b.ts", "a\\b.ts", "a*.ts", "a?.ts", "é.ts", "a|b.ts", "a<b>.ts",
        "CON", "con.ts", "Nul.js", "lpt9.txt", "com1", "aux/x.ts", "name.", "dir./x.ts",
        "_dist/x.ts", "_DIST/x.ts",
        String(repeating: "d/", count: 77) + "x.ts", String(repeating: "n", count: 96),
        "a//b.ts", "a/./b.ts", "a/../b.ts", "dir/",
    ])
    func invalidPathsAreRefused(path: String) {
        let archive = Self.archive([("jsr.json", Self.config), ("mod.ts", ""), (path, "")])
        let error = taskError { () throws(JSRTaskError) in _ = try Self.check(archive) }
        #expect(error?.code == "invalidPath", "\(path)")
        #expect(error?.message.hasPrefix("path '/\(path)' is invalid: ") == true, "\(error?.message ?? "")")
    }

    @Test(arguments: ["$(x)+y.ts", "@scope/[id]/{a}~_-.ts", "con-file.ts", "console.ts", "com10.ts", "_dist.ts", "sub/_dist/x.ts", "a.b.c.ts"])
    func unusualButValidPathsPass(path: String) {
        #expect(Self.code(Self.archive([("jsr.json", Self.config), ("mod.ts", ""), (path, "")])) == nil, "\(path)")
    }

    @Test func gitFilesAreRefused() {
        #expect(Self.code(Self.archive([("jsr.json", Self.config), ("mod.ts", ""), (".git/config", "")])) == "invalidGitPath")
        #expect(Self.code(Self.archive([("jsr.json", Self.config), ("mod.ts", ""), (".gitignore", "")])) == nil)
    }

    @Test func caseInsensitiveDuplicatesAreRefused() {
        let error = taskError { () throws(JSRTaskError) in
            _ = try Self.check(Self.archive([("jsr.json", Self.config), ("mod.ts", ""), ("Mod.TS", "")]))
        }
        #expect(error?.code == "caseInsensitiveDuplicatePath")
        #expect(error?.message == "case-insensitive duplicate path '/Mod.TS' and '/mod.ts'")
    }

    @Test func rulesApplyInOrder() {
        let link = [TarSpecialEntry(path: "l", kind: .symbolicLink)]
        let big = String(repeating: "x", count: 50)
        let tight = JSRLimits(maxFileSize: 10)
        // A link wins over everything; then sizes over paths; then paths over the config.
        #expect(Self.code(Self.archive([("bad path.ts", big)], specials: link), limits: tight) == "linkInTarball")
        #expect(Self.code(Self.archive([("bad path.ts", big)]), limits: tight) == "fileTooLarge")
        #expect(Self.code(Self.archive([("bad path.ts", "")])) == "invalidPath")
        #expect(Self.code(Self.archive([("mod.ts", "")])) == "missingConfigFile")
    }

    // MARK: Config file

    @Test func missingConfigFile() {
        #expect(Self.code(Self.archive([("mod.ts", "")])) == "missingConfigFile")
        #expect(Self.code(Self.archive([("jsr.json", Self.config), ("mod.ts", "")]), configPath: "/deno.json") == "missingConfigFile")
        #expect(Self.code(Self.archive([("jsr.json", Self.config), ("mod.ts", "")]), configPath: "jsr.json") == "missingConfigFile")
    }

    @Test(arguments: [
        "", "{", "[]", "\"@std/fmt\"", "{\"name\": \"@std/fmt\",, }", "{\"name\": '@std/fmt'}", "{name: 1}",
        "{\"name\": \"@std/fmt\"} extra", "/* unterminated", "{\"exports\": \"./mod.ts\"}", "{\"name\": 1}",
        "{\"name\": \"@std/fmt\", \"version\": 1, \"exports\": \"./mod.ts\"}", "{\"name\": \"\\x\"}",
        String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
    ])
    func invalidConfigFile(config: String) {
        #expect(Self.configCode(config) == "invalidConfigFile", "\(config)")
    }

    @Test func configMustBeUTF8() {
        let archive = TarArchive(files: [TarEntry(path: "jsr.json", bytes: [0x7B, 0xFF, 0x7D]), TarEntry(path: "mod.ts", bytes: [])])
        #expect(Self.code(archive) == "invalidConfigFile")
    }

    @Test func invalidConfigFileNamesTheProblemAndPlace() {
        let error = taskError { () throws(JSRTaskError) in
            _ = try Self.check(Self.archive([("jsr.json", "{\n  \"name\": \"@std/fmt\"\n  \"exports\": 1\n}"), ("mod.ts", "")]))
        }
        #expect(error?.message == "invalid config file '/jsr.json': expected ',' or '}' in an object at line 3 column 3")
    }

    @Test func configNameMustMatch() {
        let error = taskError { () throws(JSRTaskError) in
            _ = try Self.check(Self.archive([("jsr.json", #"{"name":"@std/fmtx","exports":"./mod.ts"}"#), ("mod.ts", "")]))
        }
        #expect(error?.code == "configFileNameMismatch")
        #expect(error?.message.contains("expected @std/fmt, got @std/fmtx") == true)
    }

    @Test func configVersionMustMatchWhenPresent() {
        let archive = Self.archive([("jsr.json", Self.config), ("mod.ts", "")])
        #expect(taskErrorCode { () throws(JSRTaskError) in _ = try Self.check(archive, version: "1.0.1") } == "configFileVersionMismatch")
        #expect(Self.configCode(#"{"name":"@std/fmt","version":null,"exports":"./mod.ts"}"#) == nil)
    }

    @Test(arguments: [
        (#"{"name":"@std/fmt"}"#, "exports config must have at least one entry"),
        (#"{"name":"@std/fmt","exports":null}"#, "exports config must have at least one entry"),
        (#"{"name":"@std/fmt","exports":{}}"#, "exports config must have at least one entry"),
        (#"{"name":"@std/fmt","exports":["./mod.ts"]}"#, "'exports' field must be a string or an object"),
        (#"{"name":"@std/fmt","exports":true}"#, "'exports' field must be a string or an object"),
        (#"{"name":"@std/fmt","exports":""}"#, "the path for the root export must be a non-empty relative path"),
        (#"{"name":"@std/fmt","exports":"mod.ts"}"#, "the path 'mod.ts' for the root export could not be resolved as a relative path from the config file, did you mean './mod.ts'?"),
        (#"{"name":"@std/fmt","exports":"./mod"}"#, "the path './mod' for the root export must not end in / and must have a file extension"),
        (#"{"name":"@std/fmt","exports":"./dir/"}"#, "the path './dir/' for the root export must not end in / and must have a file extension"),
        (#"{"name":"@std/fmt","exports":{"mod":"./mod.ts"}}"#, "the key 'mod' must start with a ./, did you mean './mod'?"),
        (#"{"name":"@std/fmt","exports":{"/mod":"./mod.ts"}}"#, "the key '/mod' must start with a ./, did you mean './mod'?"),
        (#"{"name":"@std/fmt","exports":{"./mod/":"./mod.ts"}}"#, "the key './mod/' must not end with '/', did you mean './mod'?"),
        (#"{"name":"@std/fmt","exports":{"./*":"./mod.ts"}}"#, "the key './*' contains invalid characters, only [a-z][A-Z][0-9]-_/. are allowed"),
        (#"{"name":"@std/fmt","exports":{"./a//b":"./mod.ts"}}"#, "the key './a//b' must not contain double slashes (//) or parts entirely of dots (.)."),
        (#"{"name":"@std/fmt","exports":{"./..":"./mod.ts"}}"#, "the key './..' must not contain double slashes (//) or parts entirely of dots (.)."),
        (#"{"name":"@std/fmt","exports":{".":1}}"#, "export '.' must be a string, invalid value: '1'"),
        (#"{"name":"@std/fmt","exports":{".":"./missing.ts"}}"#, "export '.' references entrypoint '/missing.ts' which does not exist"),
        (#"{"name":"@std/fmt","exports":{".":"./MOD.ts"}}"#, "export '.' references entrypoint '/MOD.ts' which does not exist"),
    ])
    func invalidExports(config: String, message: String) {
        let error = taskError { () throws(JSRTaskError) in
            _ = try Self.check(Self.archive([("jsr.json", config), ("mod.ts", "")]))
        }
        #expect(error == JSRTaskError("configFileExportsInvalid", "invalid 'exports' field in config file '/jsr.json': \(message)"))
    }

    @Test func exportTargetWithDotSegmentIsAnInvalidPath() {
        #expect(Self.configCode(#"{"name":"@std/fmt","exports":"./a/../mod.ts"}"#) == "invalidPath")
    }

    // MARK: Real tarballs

    @Test func gzippedTarballFromTarWriter() throws {
        var writer = TarWriter()
        writer.addDirectory("lib")
        writer.addFile("./jsr.json", contents: #"{"name":"@std/fmt","version":"1.0.0","exports":{".":"./mod.ts","./util":"./lib/util.ts"}}"#)
        writer.addFile("./mod.ts", contents: "export * from './lib/util.ts';\n")
        writer.addFile("./lib/util.ts", contents: "export const util = 1;\n")
        let archive = try TarballReader().readArchive(writer.archive(compression: .gzip))
        let contents = try Self.check(archive)
        #expect(contents.files.map(\.path) == ["/jsr.json", "/lib/util.ts", "/mod.ts"])
        #expect(contents.exports.map(\.key) == [".", "./util"])

        writer.addSymlink("./alias.ts", target: "mod.ts")
        let linked = try TarballReader().readArchive(writer.archive(compression: .gzip))
        #expect(Self.code(linked) == "linkInTarball")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tar") || FileManager.default.isExecutableFile(atPath: "/bin/tar")))
    func gzippedTarballFromSystemTar() throws {
        let directory = TemporaryDirectory("jsr-tar")
        let root = directory.path + "/root"
        try FileManager.default.createDirectory(atPath: root + "/lib", withIntermediateDirectories: true)
        try Data(Self.config.utf8).write(to: URL(fileURLWithPath: root + "/jsr.json"))
        try Data("import './lib/a.ts';\n".utf8).write(to: URL(fileURLWithPath: root + "/mod.ts"))
        try Data("export {};\n".utf8).write(to: URL(fileURLWithPath: root + "/lib/a.ts"))

        func tarball() throws -> [UInt8] {
            let output = directory.path + "/out-\(UUID().uuidString).tgz"
            let process = Process()
            let tar = FileManager.default.isExecutableFile(atPath: "/usr/bin/tar") ? "/usr/bin/tar" : "/bin/tar"
            process.executableURL = URL(fileURLWithPath: tar)
            process.arguments = ["-czf", output, "-C", root, "."]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            return Array(try Data(contentsOf: URL(fileURLWithPath: output)))
        }

        // `tar -C root .` writes `./`, `./lib/` and `./mod.ts`-style names.
        let archive = try TarballReader().readArchive(try tarball())
        #expect(archive.specials.allSatisfy { $0.kind == .directory })
        let contents = try Self.check(archive)
        #expect(contents.files.map(\.path) == ["/jsr.json", "/lib/a.ts", "/mod.ts"])
        let analysis = try JSRModuleAnalysis.analyse(contents.files, roots: contents.exportPaths)
        #expect(analysis.graph.keys.sorted() == ["/lib/a.ts", "/mod.ts"])

        try FileManager.default.createSymbolicLink(atPath: root + "/alias.ts", withDestinationPath: "mod.ts")
        let error = taskError { () throws(JSRTaskError) in _ = try Self.check(try! TarballReader().readArchive(try! tarball())) }
        #expect(error == JSRTaskError("linkInTarball", "entry at '/alias.ts' is a link, only regular files and directories are allowed"))
    }

    @Test func taskErrorEncodesAsCodeAndMessage() throws {
        let error = JSRTaskError("graphError", "boom")
        let json = try JSONEncoder().encode(error)
        #expect(try JSONDecoder().decode(JSRTaskError.self, from: json) == error)
        let object = try JSONSerialization.jsonObject(with: json) as? [String: String]
        #expect(object == ["code": "graphError", "message": "boom"])
        #expect(error.description == "graphError: boom")
    }
}

extension JSRPackageRulesTests {
    /// `jsr:` and `npm:` specifiers as jsr.io reads them; everything else is not a dependency.
    @Suite struct Dependencies {
        @Test(arguments: [
            ("jsr:@std/fmt@^1.0.0", JSRDependency(kind: .jsr, name: "@std/fmt", constraint: "^1.0.0")),
            ("jsr:/@std/fmt@1/colors", JSRDependency(kind: .jsr, name: "@std/fmt", constraint: "1", path: "/colors")),
            ("jsr:@std/fmt@*", JSRDependency(kind: .jsr, name: "@std/fmt", constraint: "*")),
            ("jsr:@std/fmt@1/", JSRDependency(kind: .jsr, name: "@std/fmt", constraint: "1")),
            ("jsr:@std/fmt@>=1 <2/x.ts", JSRDependency(kind: .jsr, name: "@std/fmt", constraint: ">=1 <2", path: "/x.ts")),
            ("jsr:@my-org2/my-pkg-3@~0.3.1/a/b.ts", JSRDependency(kind: .jsr, name: "@my-org2/my-pkg-3", constraint: "~0.3.1", path: "/a/b.ts")),
            ("npm:preact@10.19.0", JSRDependency(kind: .npm, name: "preact", constraint: "10.19.0")),
            ("npm:/preact@^10/hooks", JSRDependency(kind: .npm, name: "preact", constraint: "^10", path: "/hooks")),
            ("npm:@types/node@*", JSRDependency(kind: .npm, name: "@types/node", constraint: "*")),
            ("npm:@types/node@20/fs.d.ts", JSRDependency(kind: .npm, name: "@types/node", constraint: "20", path: "/fs.d.ts")),
            ("npm:lodash.merge@4.x", JSRDependency(kind: .npm, name: "lodash.merge", constraint: "4.x")),
        ])
        func validSpecifiers(specifier: String, expected: JSRDependency) throws {
            #expect(try JSRPackageRules.dependency(from: specifier) == expected)
        }

        @Test func specifierIsNormalised() throws {
            #expect(try JSRPackageRules.dependency(from: "jsr:/@std/fmt@1/colors")?.specifier == "jsr:@std/fmt@1/colors")
        }

        @Test(arguments: [
            "./mod.ts", "../x.ts", "/abs.ts", "https://deno.land/x/mod.ts", "http://example.com/a.js",
            "data:text/javascript,export{}", "node:fs", "lodash", "@std/fmt", "jsr", "npmx:foo@1", "",
        ])
        func otherSpecifiersAreNotDependencies(specifier: String) throws {
            #expect(try JSRPackageRules.dependency(from: specifier) == nil)
        }

        @Test(arguments: [
            ("jsr:std/fmt@1", "invalidJsrSpecifier"),
            ("jsr:@std@1", "invalidJsrSpecifier"),
            ("jsr:@s/fmt@1", "invalidJsrSpecifier"),
            ("jsr:@std/f@1", "invalidJsrSpecifier"),
            ("jsr:@std/Fmt@1", "invalidJsrSpecifier"),
            ("jsr:@std/fmt--x@1", "invalidJsrSpecifier"),
            ("jsr:@std-/fmt@1", "invalidJsrSpecifier"),
            ("jsr:@a_b/fmt@1", "invalidJsrSpecifier"),
            ("jsr:@" + String(repeating: "s", count: 21) + "/fmt@1", "invalidJsrSpecifier"),
            ("jsr:@std/" + String(repeating: "p", count: 59) + "@1", "invalidJsrSpecifier"),
            ("jsr:@std/fmt@", "invalidJsrSpecifier"),
            ("jsr:@std/fmt@not-a-range", "invalidJsrSpecifier"),
            ("jsr:@std/fmt@1.2.3.4", "invalidJsrSpecifier"),
            ("jsr:", "invalidJsrSpecifier"),
            ("jsr:@std/fmt", "missingConstraint"),
            ("jsr:/@std/fmt", "missingConstraint"),
            ("jsr:@std/fmt/colors", "missingConstraint"),
            ("npm:Preact@1", "invalidNpmSpecifier"),
            ("npm:.hidden@1", "invalidNpmSpecifier"),
            ("npm:_under@1", "invalidNpmSpecifier"),
            ("npm:@types@1", "invalidNpmSpecifier"),
            ("npm:a b@1", "invalidNpmSpecifier"),
            ("npm:" + String(repeating: "n", count: 215) + "@1", "invalidNpmSpecifier"),
            ("npm:", "invalidNpmSpecifier"),
            ("npm:preact@latest", "invalidNpmSpecifier"),
            ("npm:preact@", "invalidNpmSpecifier"),
            ("npm:preact", "missingConstraint"),
            ("npm:preact/hooks", "missingConstraint"),
            ("npm:@types/node", "missingConstraint"),
            ("npm:@types/node/fs", "missingConstraint"),
        ])
        func malformedSpecifiers(specifier: String, code: String) {
            let error = taskError { () throws(JSRTaskError) in _ = try JSRPackageRules.dependency(from: specifier) }
            #expect(error?.code == code, "\(specifier)")
            #expect(error?.message.contains(specifier) == true, "\(error?.message ?? "")")
        }
    }

    /// moduleGraph2 and dependencies from lexing the package's modules.
    @Suite struct ModuleAnalysis {
        static func files(_ files: [(String, String)]) -> [(path: String, bytes: [UInt8])] {
            files.map { (path: $0.0, bytes: Array($0.1.utf8)) }
        }

        static func dependency(_ type: String, _ kind: String, _ specifier: String, _ range: [[Int]]) -> JSRModuleInfo.Dependency {
            JSRModuleInfo.Dependency(type: type, kind: kind, specifier: specifier, specifierRange: range)
        }

        static func analysisError(_ files: [(String, String)], roots: [String]? = nil) -> JSRTaskError? {
            taskError { () throws(JSRTaskError) in _ = try JSRModuleAnalysis.analyse(Self.files(files), roots: roots) }
        }

        @Test(arguments: [
            ("/mod.ts", true), ("/a.js", true), ("/a.mjs", true), ("/a.jsx", true), ("/a.mts", true), ("/a.tsx", true),
            ("/types.d.ts", true), ("/a.cjs", false), ("/a.cts", false), ("/a.json", false), ("/README.md", false),
            ("/a.ts.map", false), ("/ts", false),
        ])
        func modulesAreJavaScriptAndTypeScript(path: String, isModule: Bool) {
            #expect(JSRModuleAnalysis.isModule(path) == isModule)
        }

        @Test func rangesKindsAndTypes() throws {
            let source = """
                import { a } from "./a.ts";
                export * from './b.ts';
                const c = await import("./c.ts");
                const d = import(`./d.ts`);
                const e = import(name);
                console.log(import.meta.url);
                  import "jsr:@std/fmt@^1/colors";
                /* é😀 */ import "npm:preact@10";
                """
            let (graph, dependencies) = try JSRModuleAnalysis.analyse(Self.files([
                ("/mod.ts", source), ("/a.ts", ""), ("/b.ts", ""), ("/c.ts", ""), ("/d.ts", ""), ("/README.md", "# hi"),
            ]))
            #expect(graph.keys.sorted() == ["/a.ts", "/b.ts", "/c.ts", "/d.ts", "/mod.ts"])
            #expect(graph["/a.ts"] == JSRModuleInfo(dependencies: []))
            #expect(graph["/mod.ts"]?.dependencies == [
                Self.dependency("static", "import", "./a.ts", [[0, 18], [0, 26]]),
                Self.dependency("static", "export", "./b.ts", [[1, 14], [1, 22]]),
                Self.dependency("dynamic", "import", "./c.ts", [[2, 23], [2, 31]]),
                Self.dependency("dynamic", "import", "./d.ts", [[3, 17], [3, 25]]),
                Self.dependency("static", "import", "jsr:@std/fmt@^1/colors", [[6, 9], [6, 33]]),
                // Columns count UTF-16 code units: é is one, 😀 two (six UTF-8 bytes between them).
                Self.dependency("static", "import", "npm:preact@10", [[7, 17], [7, 32]]),
            ])
            #expect(dependencies == [
                JSRDependency(kind: .jsr, name: "@std/fmt", constraint: "^1", path: "/colors"),
                JSRDependency(kind: .npm, name: "preact", constraint: "10"),
            ])
        }

        @Test func lineBreaksOfEveryKind() throws {
            let source = "// a\r\n// b\r// c\u{2028}// d\nimport './a.ts';"
            let (graph, _) = try JSRModuleAnalysis.analyse(Self.files([("/mod.js", source), ("/a.ts", "")]))
            #expect(graph["/mod.js"]?.dependencies.first?.specifierRange == [[4, 7], [4, 15]])
        }

        @Test func missingRelativeModuleIsAGraphError() {
            let error = Self.analysisError([("/mod.ts", "\nimport { x } from './missing.ts';")])
            #expect(error == JSRTaskError("graphError",
                                          "failed to build module graph: Module not found \"file:///missing.ts\".\n    at file:///mod.ts:2:19"))
            // Paths are case-sensitive, as on jsr.io.
            #expect(Self.analysisError([("/mod.ts", "import './Youtube.tsx';"), ("/YouTube.tsx", "")])?.code == "graphError")
            #expect(Self.analysisError([("/mod.ts", "await import('./lazy.ts');")])?.code == "graphError")
            #expect(Self.analysisError([("/mod.ts", "import './dir/';"), ("/dir", "")])?.code == "graphError")
        }

        @Test func relativeAndAbsolutePathsResolveInsideThePackage() throws {
            let files = Self.files([
                ("/lib/sub/x.ts", "import '../util.ts';\nimport '/root.ts';\nimport './y.ts?v=1#top';\nimport '../../../../top.ts';\nimport './data.json' with { type: 'json' };"),
                ("/lib/util.ts", ""), ("/root.ts", ""), ("/lib/sub/y.ts", ""), ("/top.ts", ""), ("/lib/sub/data.json", "{}"),
            ])
            let (graph, dependencies) = try JSRModuleAnalysis.analyse(files)
            #expect(graph.keys.sorted() == ["/lib/sub/x.ts", "/lib/sub/y.ts", "/lib/util.ts", "/root.ts", "/top.ts"])
            #expect(graph["/lib/sub/x.ts"]?.dependencies.count == 5)
            #expect(dependencies.isEmpty)
        }

        @Test func unparsableModuleIsAGraphError() {
            let error = Self.analysisError([("/bad.ts", "const ok = 1;\nimport './x.ts")])
            #expect(error?.code == "graphError")
            #expect(error?.message.hasPrefix("failed to build module graph: The module's source code could not be parsed: ") == true)
            #expect(error?.message.hasSuffix(" at file:///bad.ts:2:8") == true, "\(error?.message ?? "")")
            #expect(Self.analysisError([("/ok.ts", "import './x.ts';"), ("/x.ts", "")]) == nil)
        }

        @Test func nonUTF8ModuleIsAGraphError() {
            let error = taskError { () throws(JSRTaskError) in
                _ = try JSRModuleAnalysis.analyse([(path: "/mod.ts", bytes: [0x2F, 0x2F, 0xFF, 0x0A])])
            }
            #expect(error?.code == "graphError")
        }

        @Test func rootsLimitTheGraphToReachableModules() throws {
            let files: [(String, String)] = [
                ("/mod.ts", "export * from './a.ts';"), ("/a.ts", "export const a = import('./lazy.ts');"), ("/lazy.ts", ""),
                ("/broken.ts", "import './x.ts"), ("/orphan.ts", "import './missing.ts';"), ("/jsr.json", "{}"),
            ]
            let (graph, _) = try JSRModuleAnalysis.analyse(Self.files(files), roots: ["/mod.ts", "/jsr.json"])
            #expect(graph.keys.sorted() == ["/a.ts", "/lazy.ts", "/mod.ts"])
            // Without roots every module is analysed, so the broken and orphaned ones fail the publish.
            #expect(Self.analysisError(files)?.code == "graphError")
            #expect(Self.analysisError(files, roots: ["/gone.ts"])
                == JSRTaskError("graphError", "failed to build module graph: Module not found \"file:///gone.ts\"."))
        }

        @Test func dependenciesAreDeduplicatedAndSorted() throws {
            let files = Self.files([
                ("/a.ts", "import 'npm:zod@3';\nimport 'jsr:@std/path@1';\nimport 'lodash';\nimport 'https://esm.sh/x';\nimport 'node:fs';"),
                ("/b.ts", "import 'jsr:@std/path@1';\nimport 'jsr:@std/assert@^1';\nimport 'npm:zod@3';\nimport 'data:text/javascript,export{}';"),
            ])
            let (graph, dependencies) = try JSRModuleAnalysis.analyse(files)
            #expect(dependencies == [
                JSRDependency(kind: .jsr, name: "@std/assert", constraint: "^1"),
                JSRDependency(kind: .jsr, name: "@std/path", constraint: "1"),
                JSRDependency(kind: .npm, name: "zod", constraint: "3"),
            ])
            // Bare specifiers and URLs stay in the graph.
            #expect(graph["/a.ts"]?.dependencies.map(\.specifier) == ["npm:zod@3", "jsr:@std/path@1", "lodash", "https://esm.sh/x", "node:fs"])
        }

        @Test func malformedDependenciesFailTheAnalysis() {
            #expect(Self.analysisError([("/mod.ts", "import 'jsr:@std/fmt';")])?.code == "missingConstraint")
            #expect(Self.analysisError([("/mod.ts", "export * from 'npm:Bad@1';")])?.code == "invalidNpmSpecifier")
            #expect(Self.analysisError([("/mod.ts", "await import('jsr:std@1');")])?.code == "invalidJsrSpecifier")
        }

        @Test func typeScriptSyntax() throws {
            let source = """
                import type { Options } from "./types.ts";
                import { type Helper, helper } from "./helper.ts";
                import type Default from "./types.ts";
                import type from "./helper.ts";
                import type * as Types from "./types.ts";
                export { helper as h } from "./helper.ts";

                interface Point<T extends object = {}> {
                  x: number;
                  y: Array<string>;
                  z?: Map<string, Array<Array<number>>>;
                }
                type Fn = <T>(value: T) => T;
                enum Color { Red = "red", Blue = "blue" }
                export function identity<T>(value: T): T {
                  return value;
                }
                export const ratio = (a: number, b: number): number => a / b / 2;
                const pattern = /import "\\.\\/not-real\\.ts"/g;
                const generic = <T,>(value: T): T[] => [value];
                const cast = <string>(<unknown>"x");
                const config = { mode: "strict" } as const satisfies Record<string, string>;
                export abstract class Base<T> implements Iterable<T> {
                  private readonly items: T[] = [];
                  abstract name(): string;
                  *[Symbol.iterator](): Iterator<T> { yield* this.items; }
                }
                export async function load(): Promise<typeof import("./lazy.ts")> {
                  return await import("./lazy.ts");
                }
                let count = items.length as number / 2;
                """
            let (graph, _) = try JSRModuleAnalysis.analyse(Self.files([
                ("/mod.ts", source), ("/types.ts", "export interface Options { a?: string }"),
                ("/helper.ts", "export const helper = 1; export type Helper = number; export default 1;"), ("/lazy.ts", ""),
            ]))
            let found = graph["/mod.ts"]?.dependencies.map { "\($0.type) \($0.kind) \($0.specifier)" }
            #expect(found == [
                "static importType ./types.ts",
                "static import ./helper.ts",
                "static importType ./types.ts",
                "static import ./helper.ts",
                "static importType ./types.ts",
                "static export ./helper.ts",
                "dynamic import ./lazy.ts",
                "dynamic import ./lazy.ts",
            ])
        }

        @Test func typeOnlyReExportsAreNotSeen() throws {
            // A limitation of the import lexer: `export type … from` is skipped as TypeScript-only syntax.
            let (graph, _) = try JSRModuleAnalysis.analyse(Self.files([
                ("/mod.ts", "export type { Options } from './types.ts';\nexport type * from './types.ts';"), ("/types.ts", ""),
            ]))
            #expect(graph["/mod.ts"]?.dependencies.map(\.specifier) == [])
        }

        @Test func moduleInfoEncodesLikeDenoGraph() throws {
            let info = JSRModuleInfo(dependencies: [
                Self.dependency("static", "import", "./a.ts", [[0, 7], [0, 15]]),
                Self.dependency("dynamic", "import", "./b.ts", [[1, 7], [1, 15]]),
            ])
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let json = String(decoding: try encoder.encode(info), as: UTF8.self)
            #expect(json == #"{"dependencies":[{"kind":"import","specifier":".\/a.ts","specifierRange":[[0,7],[0,15]],"type":"static"},{"argument":".\/b.ts","argumentRange":[[1,7],[1,15]],"type":"dynamic"}]}"#)
            #expect(try JSONDecoder().decode(JSRModuleInfo.self, from: Data(json.utf8)) == info)
            #expect(String(decoding: try encoder.encode(JSRModuleInfo()), as: UTF8.self) == "{}")
            #expect(try JSONDecoder().decode(JSRModuleInfo.self, from: Data("{}".utf8)) == JSRModuleInfo())
        }
    }
}

/// JSX cannot be lexed by ModuleLexer (closing tags read as regexes): such modules are kept with no
/// known dependencies instead of failing a valid publish; plain modules still fail.
@Suite struct JSXModuleAnalysisTests {
    @Test func jsxThatDoesNotLexIsKeptWithoutDependencies() throws {
        let jsx: [UInt8] = Array("import { h } from \"./h.js\";\nexport const App = () => <div><p>don't</p></div>;\n".utf8)
        let (graph, dependencies) = try JSRModuleAnalysis.analyse([(path: "/app.tsx", bytes: jsx)])
        #expect(graph["/app.tsx"]?.dependencies.isEmpty == true)
        #expect(dependencies.isEmpty)
        #expect(throws: JSRTaskError.self) { try JSRModuleAnalysis.analyse([(path: "/app.ts", bytes: jsx)]) }
    }
}
