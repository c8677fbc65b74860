import ModuleLexer
import Testing

/// Comments, strings, templates, regular expressions and other places where `import` text must be ignored.
@Suite("Lexical edge cases")
struct LexicalTests {
    @Test func commentsDoNotCount() throws {
        let source = """
            // import 'x'
            /* import 'y' */
            /*
             * export { z } from 'z'
             */
            import/* 'x' */ 'a';
            import /* 'x' */ 'b'; // import('c')
            """
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("a"), .s("b")])
        #expect(slice(source, summary.imports[0].statementRange) == "import/* 'x' */ 'a'")
        #expect(summary.exports == [])
    }

    @Test func stringsAndTemplatesDoNotCount() throws {
        let source = """
            const a = "import 'x'";
            const b = 'export * from "y"';
            const c = `import('z') ${'import "w"'} import.meta`;
            const d = "import.meta";
            """
        let summary = try ModuleLexer.parse(source)
        #expect(summary.imports.isEmpty)
        #expect(summary.exports.isEmpty)
        #expect(!summary.hasModuleSyntax)
    }

    @Test func nestedTemplates() throws {
        let source = "const t = `a ${ `b ${c} import('no')` } d ${ { k: `${import('yes')}` }.k }`;\nimport 'after'"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.d("yes"), .s("after")])
    }

    @Test func dynamicImportInsideTemplate() throws {
        let source = "`\n  ${\n    import(`test/${ import(b)}`); /*\n        `  }\n    */\n  }\n`\nexport { a }"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.d(nil), .d(nil)])
        #expect(summary.exports == ["a"])
    }

    @Test func divisionChains() throws {
        let source = "const r = a / b / c; import 'x'; const s = (a) / 2 / (b); const t = a[0] / b / 'c'.length;"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("x")])
    }

    @Test func regexContainingImportText() throws {
        let source = """
            x = /import 'x'/g;
            if (a) /import('y')/.test(b);
            if(a)/export * from 'z'/.test(b)
            function f() { return /import 'w'/ }
            const t = typeof /import 'v'/;
            y = [/import 'u'/, /[/]import 's'/];
            z = a ? /import 'r'/ : /import 'q'/;
            w = !/import 'p'/.test(s) && /import 'o'/i.test(s);
            import 'real';
            """
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("real")])
        #expect(summary.exports == [])
    }

    @Test func blockVersusObjectLiteral() throws {
        let source = """
            if (a) {}
            /import 'x'/.test(b);
            const o = {} / 2;
            function f() {}
            /import 'y'/.exec(c);
            try {} finally {}/import 'z'/g;
            x => {}
            /import 'w'/g;
            class K {}
            /import 'v'/g;
            import 'real';
            """
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("real")])
    }

    @Test func incrementThenDivision() throws {
        // `a++ / b` is division; `++/re/` would be an invalid assignment target, so `++ /` is division too.
        let source = "tick++/fetti;f=(1)+\")\";i--/2;x = y ++ / 2 / 3; import 'z'"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("z")])
    }

    @Test func prefixIncrementBeforeRegex() throws {
        // Prefix `++`/`--` applies to the following operand, so a `/` after it starts a regex.
        let source = "x = ++/import 'a'/.lastIndex; y = a + --/import 'b'/.lastIndex;\nb\n++/import 'c'/.lastIndex\nz = a+++/import 'd'/.source.length; import 'real'"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("real")])
    }

    @Test func keywordsBeforeRegex() throws {
        let source = """
            x: while (true) {
              if (foo) break
              /import("a")/.test(bar) || baz()
              if (foo) continue
              /import("b")/.test(bar) || baz()
              if (foo) break x
              /import("c")/.test(bar) || baz()
              if (foo) continue x
              /import("d")/.test(bar) || baz()
            }
            function *g() { yield /import("e")/ }
            async function h() { await /import("f")/ }
            void /import("g")/; delete /import("h")/.x; throw /import("i")/;
            switch (x) { case /import("j")/: break; default: /import("k")/ }
            """
        let summary = try ModuleLexer.parse(source)
        #expect(summary.imports.isEmpty)
    }

    @Test func importAsProperty() throws {
        let source = """
            a.import('x');
            obj.import.meta;
            a?.import('y');
            a.
            // not a dynamic import
            import('z');
            const o = { import: 1, 'import': 2, import() { return 3 } };
            class A { import() {} static import(x) { return x } }
            o.import = import.meta;
            """
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.m])
    }

    @Test func importMethodVersusCall() throws {
        let source = """
            ({
              // not a dynamic import!
              import(not1) {}
            });
            {
              // is a dynamic import!
              import(is1);
            }
            a.
            // not a dynamic import!
            import(not2);
            a.
            b()
            // is a dynamic import!
            import(is2);

            const myObject = {
              import: ()=> import(some_url)
            }
            """
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.d(nil), .d(nil), .d(nil)])
        #expect(summary.imports.map { slice(source, $0.range) } == ["is1", "is2", "some_url"])
        #expect(summary.imports.map { slice(source, $0.statementRange) } == ["import(is1)", "import(is2)", "import(some_url)"])
    }

    @Test func identifiersContainingImport() throws {
        let source = "let import_ = 1; const importX = 2, $import = 3, _export = 4; reimport('x'); exports.a = importX; myimport.meta"
        let summary = try ModuleLexer.parse(source)
        #expect(summary.imports.isEmpty)
        #expect(summary.exports.isEmpty)
        #expect(!summary.hasModuleSyntax)
    }

    @Test func optionalChainingAndPrivateFields() throws {
        let source = """
            class P { #x = 1; #y; get v() { return this.#x / this.#y / 2 } static #import() {} m() { return this.#import() } }
            const v = a?.b?.[c] / d?.e / 2;
            const w = a?.import?.('x');
            import('./real.js');
            """
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.d("./real.js")])
    }

    @Test func hashbang() throws {
        let source = "#!/usr/bin/env node --import 'x'\nimport fs from 'node:fs';\nexport const run = () => fs;"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("node:fs")])
        #expect(summary.exports == ["run"])
        #expect(slice(source, summary.imports[0].range) == "node:fs")
    }

    @Test func byteOrderMark() throws {
        let source = "\u{FEFF}import 'a'; export const b = 1"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("a")])
        #expect(summary.imports[0].range == 11..<12)
        #expect(summary.exports == ["b"])
    }

    @Test func unicodeIdentifiers() throws {
        let source = "const café = 1, π = 2, 𝑥 = 3;\nexport { café, π as pi };\nexport var p𓀀s, q;\nexport function a𓀀 () {}\nimport ünïcödé from './ü.js'; ñimport('no')"
        let summary = try ModuleLexer.parse(source)
        #expect(summary.exports == ["café", "pi", "p𓀀s", "q", "a𓀀"])
        #expect(deps(summary) == [.s("./ü.js")])
    }

    @Test func minified() throws {
        let source = #"import{a as b}from"x";export{b as c};import("y").then(e=>e.default);export*from"z";import*as n from"w";export default n"#
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.s("x"), .d("y"), .x("z"), .s("w")])
        #expect(summary.exports == ["c", "default"])
        #expect(slice(source, summary.imports[0].statementRange) == #"import{a as b}from"x""#)
        #expect(slice(source, summary.imports[1].statementRange) == #"import("y")"#)
        #expect(slice(source, summary.imports[2].statementRange) == #"export*from"z""#)
    }

    @Test func minifiedOffsetsMatchEsModuleLexer() throws {
        // From es-module-lexer's "Minified import syntax" test (s/e/ss/se values).
        let source = #"import{TemplateResult as t}from"lit-html";import{a as e}from"./chunk-4be41b30.js";export{j as SVGTemplateResult,i as TemplateResult,g as html,h as svg}from"./chunk-4be41b30.js";window.JSCompiler_renameProperty='asdf';"#
        let summary = try ModuleLexer.parse(source)
        #expect(summary.imports.map(\.range) == [32..<40, 61..<80, 156..<175])
        #expect(summary.imports.map(\.statementRange) == [0..<41, 42..<81, 82..<176])
        #expect(summary.exports == ["SVGTemplateResult", "TemplateResult", "html", "svg"])
        #expect(summary.staticSpecifiers == ["lit-html", "./chunk-4be41b30.js"])
    }

    @Test func moreMinifiedImports() throws {
        let summary = try ModuleLexer.parse(#"import"some/import.js";"#)
        #expect(summary.imports.map(\.range) == [7..<21])
        #expect(summary.imports.map(\.statementRange) == [0..<22])
    }

    @Test func nestedDynamicImports() throws {
        let source = "await import (await import  ('foo'))"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.d(nil), .d("foo")])
        #expect(slice(source, summary.imports[0].statementRange) == "import (await import  ('foo'))")
        #expect(slice(source, summary.imports[0].range) == "await import  ('foo')")
        #expect(slice(source, summary.imports[1].statementRange) == "import  ('foo')")
        #expect(slice(source, summary.imports[1].range) == "foo")
    }

    @Test func importMetaInsideDynamicImport() throws {
        let source = "import(import.meta.url)"
        let summary = try ModuleLexer.parse(source)
        #expect(deps(summary) == [.d(nil), .m])
        #expect(slice(source, summary.imports[0].range) == "import.meta.url")
    }
}
