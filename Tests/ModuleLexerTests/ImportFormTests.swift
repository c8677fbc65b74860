import ModuleLexer
import Testing

/// Each supported import/export form, with exact kinds, specifiers and byte ranges.
@Suite("Import and export forms")
struct ImportFormTests {
    /// Checks that every record with a plain (escape-free) specifier points at exactly that text.
    func checkRanges(_ source: String, _ summary: ModuleSummary) {
        for record in summary.imports {
            if let specifier = record.specifier, !slice(source, record.range).contains("\\") {
                #expect(slice(source, record.range) == specifier)
            }
            #expect(record.statementRange.lowerBound <= record.range.lowerBound)
            #expect(record.statementRange.upperBound >= record.range.upperBound)
        }
    }

    @Test func defaultImport() throws {
        let source = "import x from 'a'"
        let summary = try ModuleLexer.parse(source)
        #expect(summary.imports == [
            ImportRecord(kind: .staticImport, specifier: "a", range: 15..<16, statementRange: 0..<17),
        ])
        #expect(summary.exports == [])
        #expect(summary.hasModuleSyntax)
    }

    @Test func namedImports() throws {
        let source = #"import {a as b, c} from "a";"#
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("a")])
        #expect(slice(source, summary.imports[0].range) == "a")
        #expect(slice(source, summary.imports[0].statementRange) == #"import {a as b, c} from "a""#)
    }

    @Test func namespaceImport() throws {
        let source = "import * as ns from 'a';"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("a")])
        #expect(summary.imports[0].range == 21..<22)
        #expect(summary.imports[0].statementRange == 0..<23)
    }

    @Test func sideEffectImport() throws {
        let source = "import 'side-effect';\nimport \"other\""
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("side-effect"), .s("other")])
        checkRanges(source, summary)
        #expect(slice(source, summary.imports[0].statementRange) == "import 'side-effect'")
    }

    @Test func importAttributesWith() throws {
        let source = "import json from './x.json' with { type: 'json' };\nconsole.log(json)"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("./x.json")])
        #expect(slice(source, summary.imports[0].range) == "./x.json")
        #expect(slice(source, summary.imports[0].statementRange) == "import json from './x.json' with { type: 'json' }")
    }

    @Test func importAssertions() throws {
        let source = """
            import json from "./foo.json" assert { type: "json" };
            import("foo.json" , { assert: { type: "json" } });
            import empty from './e.json' assert {};

            import test from './asdf'
            assert { not: 'an assertion!' }
            export var p = 5;
            """
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("./foo.json"), .d("foo.json"), .s("./e.json"), .s("./asdf")])
        checkRanges(source, summary)
        #expect(slice(source, summary.imports[0].statementRange) == #"import json from "./foo.json" assert { type: "json" }"#)
        #expect(slice(source, summary.imports[1].statementRange) == #"import("foo.json" , { assert: { type: "json" } })"#)
        #expect(slice(source, summary.imports[2].statementRange) == "import empty from './e.json' assert {}")
        // `assert` on the next line is not part of the statement.
        #expect(slice(source, summary.imports[3].statementRange) == "import test from './asdf'")
        #expect(summary.exports == ["p"])
    }

    @Test func exportStar() throws {
        let source = "export * from 'a';"
        let summary = try ModuleLexer.parse(source)
        #expect(summary.imports == [
            ImportRecord(kind: .exportFrom, specifier: "a", range: 15..<16, statementRange: 0..<17),
        ])
        #expect(summary.exports == [])
        #expect(summary.hasModuleSyntax)
    }

    @Test func exportStarAs() throws {
        let source = "export * as ns from 'a'"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.x("a")])
        #expect(summary.exports == ["ns"])
        checkRanges(source, summary)
    }

    @Test func exportNamedFrom() throws {
        let source = "export {x} from 'a'; export { default } from 'b'; export { y as default, z as w } from \"c\""
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.x("a"), .x("b"), .x("c")])
        #expect(summary.exports == ["x", "default", "default", "w"])
        checkRanges(source, summary)
        #expect(slice(source, summary.imports[1].statementRange) == "export { default } from 'b'")
    }

    @Test func localExports() throws {
        let source = """
            export const a = 1;
            export let b, c = 2, d;
            export var e;
            export function f() {}
            export function* g() {}
            export async function h() {}
            export class C {}
            const x = 1, y = 2;
            export { x, y as z };
            export default function () {}
            """
        let summary = try ModuleLexer.parse(source)
        // As in es-module-lexer, names after an initializer (`d`) are not collected.
        #expect(summary.exports == ["a", "b", "c", "e", "f", "g", "h", "C", "x", "z", "default"])
        #expect(summary.imports.isEmpty)
        #expect(summary.hasModuleSyntax)
    }

    @Test func dynamicLiteral() throws {
        let source = "const m = await import('literal');"
        let summary = try ModuleLexer.parse(source)
        #expect(summary.imports == [
            ImportRecord(kind: .dynamicImport, specifier: "literal", range: 24..<31, statementRange: 16..<33),
        ])
        #expect(!summary.hasModuleSyntax)
        #expect(summary.dynamicSpecifiers == ["literal"])
        #expect(summary.staticSpecifiers == [])
    }

    @Test func dynamicTemplateWithoutSubstitution() throws {
        let source = "import(`template-no-subst`).then(m => m)"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.d("template-no-subst")])
        #expect(slice(source, summary.imports[0].range) == "template-no-subst")
        #expect(slice(source, summary.imports[0].statementRange) == "import(`template-no-subst`)")
    }

    @Test func dynamicNonLiteral() throws {
        let source = "import(expr); import(`a${b}`); import('./x/' + name)"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.d(nil), .d(nil), .d(nil)])
        #expect(slice(source, summary.imports[0].range) == "expr")
        #expect(slice(source, summary.imports[0].statementRange) == "import(expr)")
        #expect(slice(source, summary.imports[1].range) == "`a${b}`")
        #expect(slice(source, summary.imports[1].statementRange) == "import(`a${b}`)")
        #expect(slice(source, summary.imports[2].range) == "'./x/' + name")
        #expect(summary.dynamicSpecifiers == [])
    }

    @Test func dynamicImportWithOptions() throws {
        let source = "import('./data.json', { with: { type: 'json' } })"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.d("./data.json")])
        #expect(slice(source, summary.imports[0].range) == "./data.json")
        #expect(summary.imports[0].statementRange == 0..<source.utf8.count)
    }

    @Test func importMeta() throws {
        let source = "const u = new URL('./x.wasm', import.meta.url);\nconsole.log(import.meta)"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.m, .m])
        for record in summary.imports {
            #expect(slice(source, record.range) == "import.meta")
            #expect(record.statementRange == record.range)
            #expect(record.specifier == nil)
        }
        #expect(summary.hasModuleSyntax)
    }

    @Test func importMetaSpansWhitespace() throws {
        let source = "// Import meta\nimport.\n meta\n// Not import meta\na.\nimport.\n  meta"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.m])
        #expect(slice(source, summary.imports[0].range) == "import.\n meta")
    }

    @Test func specifierEscapes() throws {
        let source = #"import '\x41'; import "\u{41}"; import './\u0062.js'; import('\x2e/c\u{1F600}.js'); import "\uD83D\uDE00""#
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("A"), .s("A"), .s("./b.js"), .d("./c😀.js"), .s("😀")])
        #expect(slice(source, summary.imports[0].range) == #"\x41"#)
        #expect(slice(source, summary.imports[1].range) == #"\u{41}"#)
        #expect(summary.staticSpecifiers == ["A", "./b.js", "😀"])
    }

    @Test func moreEscapes() throws {
        let source = #"import 'a\'b'; import "c\"d"; import 'e\\f'; import 'line\\n'; import 'g\\#nh'; import 'i\tj'"#
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("a'b"), .s("c\"d"), .s("e\\f"), .s("line\\n"), .s("gh"), .s("i\tj")])
    }

    @Test func rangesAreUTF8ByteOffsets() throws {
        let source = "const café = 'ü'; import('./ünï.js'); import 'ø'"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.d("./ünï.js"), .s("ø")])
        checkRanges(source, summary)
        let bytes = Array(source.utf8)
        #expect(String(decoding: bytes[summary.imports[1].range], as: UTF8.self) == "ø")
        #expect(summary.imports[1].range == 50..<52)
    }

    @Test func bytesAndStringEntryPointsAgree() throws {
        let source = "import a from 'a';\nexport * from \"b\";\nimport('c');\nimport.meta.url"
        #expect(try ModuleLexer.parse(source) == ModuleLexer.parse(Array(source.utf8)))
    }

    @Test func specifierConveniencesDeduplicate() throws {
        let source = "import 'a'; export * from 'b'; import x from 'a'; import('c'); import('c'); import(d); import.meta"
        let summary = try ModuleLexer.parse(source)
        #expect(summary.staticSpecifiers == ["a", "b"])
        #expect(summary.dynamicSpecifiers == ["c"])
    }

    @Test func hasModuleSyntax() throws {
        #expect(try ModuleLexer.parse("console.log('plain script')").hasModuleSyntax == false)
        #expect(try ModuleLexer.parse("import('./lazy.js')").hasModuleSyntax == false)
        #expect(try ModuleLexer.parse("export {}").hasModuleSyntax)
        #expect(try ModuleLexer.parse("import.meta.url").hasModuleSyntax)
        #expect(try ModuleLexer.parse("foo();\nimport 'x'").hasModuleSyntax)
        #expect(try ModuleLexer.parse("exports.a = 1; module.exports = {}").hasModuleSyntax == false)
    }

    @Test func exportDefaultForms() throws {
        let source = """
            export default function(){}
            export default async function f() {}
            export default class {}
            export default {a: 1};
            export default /re/.source;
            """
        let summary = try ModuleLexer.parse(source)
        #expect(summary.exports == ["default", "default", "default", "default", "default"])
        #expect(summary.imports.isEmpty)
    }

    @Test func stringExportNames() throws {
        let source = #"export { "a b" as "c d", x as 'e\'f' } from './m.js'"#
        let summary = try ModuleLexer.parse(source)
        #expect(summary.exports == ["c d", "e'f"])
        #expect(deps(summary) == [.x("./m.js")])
    }
}
