import ModuleLexer
import Testing

/// Malformed input must throw `LexerError`; very large input must still parse in one linear pass.
@Suite("Errors and scale")
struct ErrorAndScaleTests {
    @Test(arguments: [
        ("import 'unterminated", 7, "Unterminated string literal"),
        ("const s = \"line\nbreak\";", 10, "Unterminated string literal"),
        ("/* never closed\nimport 'x'", 0, "Unterminated comment"),
        ("const t = `abc ${x} def", 10, "Unterminated template literal"),
        ("const t = `abc ${x", 15, "Unterminated template substitution"),
        ("import(`abc", 7, "Unterminated template literal"),
        ("x = /abc\n/", 4, "Unterminated regular expression"),
        ("function f() {", 13, "Unterminated '{'"),
        ("call(a, b", 4, "Unterminated '('"),
        ("const foo = };", 12, "Unexpected '}'"),
        ("a)", 1, "Unexpected ')'"),
        ("import x from", 0, "Unterminated import statement"),
        ("export { a = };", 11, "Unexpected character in export list"),
        ("import '\\xZZ'", 8, "Invalid hexadecimal escape sequence"),
        ("import '\\u{110000}'", 8, "Invalid Unicode escape sequence"),
    ])
    func malformed(source: String, offset: Int, message: String) {
        let error = lexError(source)
        #expect(error == LexerError(offset: offset, message: message))
    }

    @Test func errorDescription() {
        let error = LexerError(offset: 3, message: "Unterminated comment")
        #expect(error.description == "Parse error at byte 3: Unterminated comment")
    }

    @Test func invalidStringInMiddle() {
        // From es-module-lexer's "Invalid string" test: a stray quote on its own line.
        let source = "import './export.js';\n\nimport d from './export.js';\n\n   '\n\nimport * as q from './reexport1.js';"
        #expect(lexError(source)?.message == "Unterminated string literal")
    }

    @Test func typedThrowsSignature() {
        do {
            _ = try ModuleLexer.parse("'")
            Issue.record("expected an error")
        } catch {
            // `error` is statically a LexerError thanks to typed throws.
            #expect(error.offset == 0)
        }
    }

    @Test func largeGeneratedFileParses() throws {
        let chunk = """
            import { a as a0, b } from './dep.js';
            export const v0 = a0 / b / 2, w0 = /[/]import 'no'/g.test(`${b} import('no')`);
            function f0(x) { if (x) { return x / 2 } else return /re\\/x/.source } // import 'no'
            /* export * from 'no' */ export { f0 as g0 };
            const lazy0 = () => import('./lazy.js'); const meta0 = import.meta.url;
            const s0 = "import 'no'" + 'export * from "no"' + `nested ${`deep ${a0}`}`;

            """
        var source = ""
        source.reserveCapacity(5_300_000)
        var copies = 0
        while source.utf8.count < 5_000_000 {
            source += chunk
            copies += 1
        }
        let summary = try ModuleLexer.parse(source)
        #expect(summary.imports.count == copies * 3)
        #expect(summary.exports.count == copies * 2)  // v0 and g0 (w0 follows an initializer)
        #expect(summary.staticSpecifiers == ["./dep.js"])
        #expect(summary.dynamicSpecifiers == ["./lazy.js"])
        #expect(summary.imports.filter { $0.kind == .importMeta }.count == copies)
    }

    @Test func deeplyNestedBrackets() throws {
        let depth = 20_000
        let source = String(repeating: "(", count: depth) + "import('x')" + String(repeating: ")", count: depth)
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.d("x")])
    }

    @Test func manyImports() throws {
        // es-module-lexer caps imports at 1024; this lexer has no fixed limit.
        let source = (0..<5000).map { "import 'm\($0)';" }.joined(separator: "\n")
        let summary = try ModuleLexer.parse(source)
        #expect(summary.imports.count == 5000)
        #expect(summary.staticSpecifiers.last == "m4999")
    }

    @Test func everyPrefixOfASampleEitherParsesOrThrows() {
        // Truncated downloads must never crash the lexer: each prefix either parses or throws LexerError.
        let sample = #"""
            #!/usr/bin/env node
            import{a as b}from"x";import * as ns from 'y' with { type: "json" };
            export { b as "c d", ns }; export * as all from '\u{41}';
            const r = /[/"'`]import('z')/g, d = a / b / c, t = `x ${ `y ${import('w')}` } z`;
            if (r) /re/.test(d); else { ({ import: 1 }).import } /* c */ // l
            class K { #p = import.meta.url; m() { return this.#p / 2 } }
            export default async function () { await import(`./t.js`) }
            """#
        let bytes = Array(sample.utf8)
        var parsed = 0
        for end in 0...bytes.count {
            if (try? ModuleLexer.parse(Array(bytes[0..<end]))) != nil { parsed += 1 }
        }
        #expect(parsed > 0)
        let full = try? ModuleLexer.parse(bytes)
        #expect(full.map(deps) == [.s("x"), .s("y"), .x("A"), .d("w"), .m, .d("./t.js")])
        #expect(full?.exports == ["c d", "ns", "all", "default"])
    }

    /// Byte soup either lexes into records that point inside it or fails with an offset inside it,
    /// never a crash or a range a rewriter would slice out of bounds.
    @Test func arbitraryBytesGiveInRangeRecordsOrAnInRangeError() {
        // Deterministic pseudo-random soups: of JavaScript-significant characters, and of whole
        // tokens (which, unlike single characters, often form an import the lexer records).
        let characters = Array("import export from ( ) { } [ ] ' \" ` / * \\ \n ; . , = a 1 $ # ! + - < > ?".utf8).map { [$0] }
        let tokens = ["import", "export", "from", "import.meta", "(", ")", "{", "}", "*", "'x'", "\"./y.js\"", "`", "/", "\n", ";", ",", "=", "a", " "]
            .map { Array($0.utf8) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var parsed = 0, failed = 0, records = 0
        for alphabet in [characters, tokens] {
            for _ in 0..<2000 {
                var input: [UInt8] = []
                for _ in 0..<64 {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    input += alphabet[Int(state >> 33) % alphabet.count]
                }
                let bounds = 0...input.count
                do {
                    let summary = try ModuleLexer.parse(input)
                    parsed += 1
                    records += summary.imports.count
                    for record in summary.imports {
                        #expect(bounds.contains(record.range.lowerBound) && bounds.contains(record.range.upperBound))
                        #expect(bounds.contains(record.statementRange.lowerBound) && bounds.contains(record.statementRange.upperBound))
                        #expect(record.statementRange.lowerBound <= record.range.lowerBound)
                        #expect(record.statementRange.upperBound >= record.range.upperBound)
                    }
                } catch {
                    failed += 1
                    #expect(bounds.contains(error.offset), "\(error)")
                    #expect(!error.message.isEmpty)
                }
            }
        }
        // Both paths were taken, and some inputs yielded records to check.
        #expect(parsed + failed == 4000)
        #expect(parsed > 0 && failed > 0 && records > 0, "parsed \(parsed), failed \(failed), records \(records)")
    }
}
