import ModuleLexer
import Testing

/// One snippet with its expected imports and exports, modelled on es-module-lexer's unit tests
/// (test/_unit.cjs) plus cases from this project's requirements.
struct Snippet: Sendable, CustomTestStringConvertible {
    let name: String
    let source: String
    let deps: [Dep]
    /// nil: exports not checked.
    let exports: [String]?
    /// Where this lexer knowingly differs from (or is unsure about) es-module-lexer.
    let note: String?

    init(_ name: String, _ source: String, _ deps: [Dep], exports: [String]? = [], note: String? = nil) {
        self.name = name
        self.source = source
        self.deps = deps
        self.exports = exports
        self.note = note
    }

    var testDescription: String { name }
}

let corpus: [Snippet] = [
    // MARK: es-module-lexer "Invalid syntax" suite (the ones that must parse)
    Snippet("export default bracket", "export default{};", [], exports: ["default"]),
    Snippet("template string default", "const css = String.raw;\n export default css`:host { solid 1px black }`;", [], exports: ["default"]),
    Snippet("class fn ASI", "class a{friendlyName;import}n();", []),
    Snippet("division const after class", "class a{}const Ti=a/yi;", []),
    Snippet("multiline dynamic import on windows", "import(\n\"./statehash\\u1011.js\"\r)", [.d("./statehashထ.js")]),
    Snippet("basic nested dynamic import", "await import (await import  ('foo'))", [.d(nil), .d("foo")]),
    Snippet("import meta inside dynamic import", "import(import.meta.url)", [.d(nil), .m]),

    // MARK: es-module-lexer "Lexer" suite
    Snippet("export var", "export var p=5", [], exports: ["p"]),
    Snippet("string encoding", #"""
        import './\x61\x62\x63.js';
        import './\u{20204}.js';
        import('./\u{20204}.js');
        import('./\u{20204}.js' + dyn);
        import('./\u{20204}.js' );
        import('./\u{20204}.js' ());
        """#, [.s("./abc.js"), .s("./𠈄.js"), .d("./𠈄.js"), .d(nil), .d("./𠈄.js"), .d(nil)]),
    Snippet("regexp case", #"""
        class Number {

        }

        /("|')(?<value>(\\(\1)|[^\1])*)?(\1)/.exec(`'\\"\\'aa'`);

        const x = `"${label.replace(/"/g, "\\\"")}"`
        """#, []),
    Snippet("regexp division", "\nconst x = num / /'/.exec(l)[0].slice(1, -1)//'\"", []),
    Snippet("multiline string escapes", "const str = 'data:image/png;base64,iVBORw0KGgo\\\r\n\t\tRIx+VXe1BU1xn';\r\n", []),
    Snippet("dotted number", "\n const x = 5. / 10;\n", []),
    Snippet("division operator case", """
        function log(r){
          if(g>=0){u[g++]=m;g>=n.logSz&&(g=0)}else{u.push(m);u.length>=n.logSz&&(g=0)}/^(DBG|TICK): /.test(r)||t.Ticker.tick(454,o.slice(0,200));
        }

        (function(n){
        })();
        """, []),
    Snippet("single parse: export list", "export { x }", [], exports: ["x"]),
    Snippet("single parse: string", "'asdf'", []),
    Snippet("single parse: regex", "/asdf/", []),
    Snippet("single parse: template", "`asdf`", []),
    Snippet("single parse: block comment", "/**/", []),
    Snippet("single parse: line comment", "//", []),
    Snippet("simple export with unicode", "export var p𓀀s,q", [], exports: ["p𓀀s", "q"]),
    Snippet("simple import", "\n  import test from \"test\";\n  console.log(test);\n", [.s("test")]),
    Snippet("empty single quote import", "import ''", [.s("")]),
    Snippet("empty double quote import", "import \"\"", [.s("")]),
    Snippet("import/export with comments", """


          import/* 'x' */ 'a';

          import /* 'x' */ 'b';

          export var z  /*  */
          export {
            a,
            // b,
            /* c */ d
          };
        """, [.s("a"), .s("b")], exports: ["z", "a", "d"]),
    Snippet("exported function and class", "\n export function a𓀀 () {\n\n }\n export class Q{\n\n }\n", [], exports: ["a𓀀", "Q"]),
    Snippet("export destructuring", "\n export const { a, b } = foo;\n\n export { ok };\n", [], exports: ["ok"],
            note: "destructured declarations are skipped, as in es-module-lexer"),
    Snippet("minified import syntax", #"import{TemplateResult as t}from"lit-html";import{a as e}from"./chunk-4be41b30.js";export{j as SVGTemplateResult,i as TemplateResult,g as html,h as svg}from"./chunk-4be41b30.js";window.JSCompiler_renameProperty='asdf';"#,
            [.s("lit-html"), .s("./chunk-4be41b30.js"), .x("./chunk-4be41b30.js")],
            exports: ["SVGTemplateResult", "TemplateResult", "html", "svg"]),
    Snippet("more minified imports", #"import"some/import.js";"#, [.s("some/import.js")]),
    Snippet("plus plus division", "\n  tick++/fetti;f=(1)+\")\";\n", []),
    Snippet("return bracket division", "function variance(){return s/(a-1)}", []),
    Snippet("simple reexport", "\n  export { hello as default } from \"test-dep\";\n", [.x("test-dep")], exports: ["default"]),
    Snippet("import.meta", "\n  export var hello = 'world';\n  console.log(import.meta.url);\n", [.m], exports: ["hello"]),
    Snippet("import meta edge cases", "\n // Import meta\n import.\n  meta\n // Not import meta\n a.\n import.\n   meta\n", [.m]),
    Snippet("dynamic import method", "\n class A {\n   import() {\n   }\n }\n", []),
    Snippet("import after code", "\n export function f () {\n   g();\n }\n\n import { g } from './test-circular2.js';\n",
            [.s("./test-circular2.js")], exports: ["f"]),
    Snippet("comments", """
        /*
            VERSION
          */import util from 'util';

        //
        function x() {
        }

              /**/
              // '
              /* / */
              /*

                 * export { b }
              \\*/export { a }

              function () {
                /***/
              }
        """, [.s("util")], exports: ["a"]),
    Snippet("bracket matching", """
        instance.extend('parseExprAtom', function (nextMethod) {
          return function () {
            function parseExprAtom(refDestructuringErrors) {
              if (this.type === tt._import) {
                return parseDynamicImport.call(this);
              }
              return c(refDestructuringErrors);
            }
          }();
        });
        export { a }
        """, [], exports: ["a"]),
    Snippet("division / regex ambiguity", #"""
          /as)df/; x();
          a / 2; '  /  '
          while (true)
            /test'/
          x-/a'/g
          try {}
          finally{}/a'/g
          (x);{f()}/d'export { b }/g
          ;{}/e'/g;
          {}/f'/g
          a / 'b' / c;
          /a'/ - /b'/;
          +{} /g -'/g'
          ('a')/h -'/g'
          if //x
          ('a')/i'/g;
          /asdf/ / /as'df/; // '
          p = `${/test/ + 5}`;
          /regex/ / x;
          function m() {
            return /*asdf8*// 5/;
          }
          export { a };
        """#, [], exports: ["a"]),
    Snippet("template string expression ambiguity", "\n `$`\n import 'a';\n ``\n export { b };\n `a$b`\n import(`$`);\n `{$}`\n",
            [.s("a"), .d("$")], exports: ["b"],
            note: "es-module-lexer reports import(`$`) with no specifier; templates without ${} are literals here"),
    Snippet("empty export", "\n export {};\n", []),
    Snippet("export * as", "\n export * as X from './asdf';\n export *  as  yy from './g';\n", [.x("./asdf"), .x("./g")], exports: ["X", "yy"]),
    Snippet("import non-identifier string names", #"""
        import { "~123" as foo0 } from './mod0.js';
        import { "ab cd" as foo1 } from './mod1.js';
        import { ' notidentifier ' as foo8 } from './mod8.js';
        import { /** @type{HTMLElement} */ LionCombobox } from './src/LionCombobox.js';
        """#, [.s("./mod0.js"), .s("./mod1.js"), .s("./mod8.js"), .s("./src/LionCombobox.js")]),
    Snippet("import backslash names", #"""
        import { " slash\\ " as foo0 } from './mod0.js';
        import { " quote\" " as foo1 } from './mod1.js'
        import { ' quote\\\' ' as foo2 } from './mod2.js';
        """#, [.s("./mod0.js"), .s("./mod1.js"), .s("./mod2.js")]),
    Snippet("import emoji names", "import { \"hm🤔\" as foo0 } from './mod0.js';\nimport { \" 🚀rocket space \" as foo1 } from './mod1.js';",
            [.s("./mod0.js"), .s("./mod1.js")]),
    Snippet("double quotes and curly bracket", "\n import { asdf as \"b} from 'wrong'\" } from 'mod0';", [.s("mod0")]),
    Snippet("single quotes and curly bracket", "\n import { asdf as 'b} from \"wrong\"' } from 'mod0';", [.s("mod0")]),
    Snippet("export from identifiers only", """
        export { x } from './asdf';
        export { x1, x2 } from './g';
        export { foo, x2 as bar, zoo } from './g2';
        export { /** @type{HTMLElement} */ LionCombobox } from './src/LionCombobox.js';
        """, [.x("./asdf"), .x("./g"), .x("./g2"), .x("./src/LionCombobox.js")],
            exports: ["x", "x1", "x2", "foo", "bar", "zoo", "LionCombobox"]),
    Snippet("export from string names", #"""
        export { "~123" as foo0 } from './mod0.js';
        export { "ab cd" } from './mod1.js';
        export { foo2 as "not identifier" } from './mod2.js';
        export { " quote\" " } from './mod3.js';
        export { ' quote\\\' ' as ' slash\\ ' } from './mod4.js';
        """#, [.x("./mod0.js"), .x("./mod1.js"), .x("./mod2.js"), .x("./mod3.js"), .x("./mod4.js")],
            exports: ["foo0", "ab cd", "not identifier", #" quote" "#, #" slash\ "#]),
    Snippet("export curly-brace names", """
        export { " right-curlybrace} " } from './mod0.js';
        export { foo as ' {left-curlybrace ' } from './mod1.js';
        export { " {curlybrackets} " as " {curlybrackets} " } from './mod2.js';
        """, [.x("./mod0.js"), .x("./mod1.js"), .x("./mod2.js")],
            exports: [" right-curlybrace} ", " {left-curlybrace ", " {curlybrackets} "]),
    Snippet("export complex & edge cases", """
        export {
          foo,
          foo1 as foo2,
          " {left-curlybrace ",
          " {curly-brackets}" as "@notidentifier",
          "?" as "identifier",
        } from './mod0.js';
        export { "p as 'z' from 'asdf'" as "z'" } from 'asdf';
        export { "z'" as "p as 'z' from 'asdf'" } from 'asdf';
        """, [.x("./mod0.js"), .x("asdf"), .x("asdf")],
            exports: ["foo", "foo2", " {left-curlybrace ", "@notidentifier", "identifier", "z'", "p as 'z' from 'asdf'"]),
    Snippet("facade", "\n export * from 'external';\n import * as ns from 'external2';\n export { a as b } from 'external3';\n export { ns };\n",
            [.x("external"), .s("external2"), .x("external3")], exports: ["b", "ns"]),
    Snippet("export default", """
            export default async function example   () {};
            export const a = '1';
            export default a;
            export default function example1() {};
            export default function() {};
            export default class className {/* ... */};
            export default class {}
            export default function* generatorFunctionName(){/* ... */};
            export default function* ()  {};
            const async = 1
            export default async

            function x() {}

            const asyncVar = 1
            export default asyncVar

            function functionName = {};
            export default functionName;
        """, [], exports: ["default", "a"] + Array(repeating: "default", count: 10)),

    // MARK: Requirements of this project
    Snippet("default import", "import x from 'a'", [.s("a")]),
    Snippet("named import", #"import {a as b, c} from "a""#, [.s("a")]),
    Snippet("default plus named with string name", #"import x, { "a b" as c } from 'real'"#, [.s("real")],
            note: "es-module-lexer scans to the first quote here and would report \"a b\""),
    Snippet("namespace import", "import * as ns from 'a'", [.s("a")]),
    Snippet("side-effect import", "import 'side-effect'", [.s("side-effect")]),
    Snippet("json with attributes", "import json from './x.json' with { type: 'json' }", [.s("./x.json")]),
    Snippet("json with assert", "import json from './x.json' assert { type: 'json' }", [.s("./x.json")]),
    Snippet("export star", "export * from 'a'", [.x("a")]),
    Snippet("export star as", "export * as ns from 'a'", [.x("a")], exports: ["ns"]),
    Snippet("export named from", "export {x} from 'a'", [.x("a")], exports: ["x"]),
    Snippet("export default from", "export { default } from 'a'", [.x("a")], exports: ["default"]),
    Snippet("dynamic literal", "import('literal')", [.d("literal")]),
    Snippet("dynamic template literal", "import(`template-no-subst`)", [.d("template-no-subst")],
            note: "es-module-lexer gives no specifier for template arguments"),
    Snippet("dynamic expression", "import(expr)", [.d(nil)]),
    Snippet("dynamic template with substitution", "import(`a${b}`)", [.d(nil)]),
    Snippet("dynamic with comment", "import(/* webpackChunkName: \"x\" */ './chunk.js')", [.d("./chunk.js")]),
    Snippet("import.meta.url", "new URL('./a.wasm', import.meta.url)", [.m]),
    Snippet("import.meta in expression", "const d = import.meta.dirname ?? (import.meta.url + '/..')", [.m, .m]),
    Snippet("hex escape", #"import '\x41'"#, [.s("A")]),
    Snippet("brace unicode escape", #"import '\u{41}'"#, [.s("A")]),
    Snippet("comments are ignored", "// import 'x'\n/* import 'y' */", []),
    Snippet("strings are ignored", "const s = \"import 'x'\" + 'import(\"y\")'", []),
    Snippet("templates are ignored", "const s = `import 'x' ${ `import('y') ${a}` } export * from 'z'`", []),
    Snippet("division chain", "const x = a / b / c; import 'y'", [.s("y")]),
    Snippet("regex with import text", "x = /import 'x'/g", []),
    Snippet("regex after if parens", "if (a) /import 'x'/.test(b)", []),
    Snippet("regex after block", "{}\n/import 'x'/.test(b)", []),
    Snippet("division after object literal", "x = {} / 2; import 'y'", [.s("y")]),
    Snippet("regex after return", "function f(){return /import 'x'/}", []),
    Snippet("regex after typeof", "typeof /import 'x'/", []),
    Snippet("regex after arrow body", "const f = () => {}\n/import 'x'/g.exec(s)", []),
    Snippet("member named import", "a.import('x'); obj.import.meta; a?.import('y')", []),
    Snippet("object key named import", "const o = {import: 1}; o.import", []),
    Snippet("identifier containing import", "let import_ = 1; importMap(); $import('x')", []),
    Snippet("private fields", "class A { #x = 1; m() { return this.#x / 2 } }", []),
    Snippet("hashbang", "#!/usr/bin/env node\nimport 'x'", [.s("x")]),
    Snippet("export default function", "export default function(){}", [], exports: ["default"]),
    Snippet("export async function", "export async function f(){}", [], exports: ["f"]),
    Snippet("export class", "export class C extends B {}", [], exports: ["C"]),
    Snippet("minified mix", #"import{a as b}from"x";export{b as c};import("y").then(e=>e)"#, [.s("x"), .d("y")], exports: ["c"]),
    Snippet("TypeScript type export is ignored", "export type { T } from './types'", [], exports: [],
            note: "TypeScript syntax is out of scope; es-module-lexer's TS mode differs"),
]

@Suite("es-module-lexer style corpus")
struct EsModuleLexerCorpusTests {
    /// The corpus stays large, each snippet is told apart by its name (each runs as one argument of
    /// `snippet`), and together the snippets expect every kind of record the lexer makes.
    @Test func corpusIsLargeDistinctAndCoversEveryRecordKind() {
        #expect(corpus.count >= 60)
        #expect(Set(corpus.map(\.name)).count == corpus.count)
        let expected = corpus.flatMap(\.deps)
        #expect(expected.contains { if case .s = $0 { true } else { false } })
        #expect(expected.contains { if case .x = $0 { true } else { false } })
        #expect(expected.contains { if case .d(.some) = $0 { true } else { false } })
        #expect(expected.contains(.d(nil)))
        #expect(expected.contains(.m))
        #expect(corpus.contains { $0.exports != nil && $0.exports != [] })
    }

    @Test(arguments: corpus)
    func snippet(_ snippet: Snippet) throws {
        let summary = try ModuleLexer.parse(snippet.source)
        #expect(deps(summary) == snippet.deps, "\(snippet.name)")
        if let exports = snippet.exports {
            #expect(summary.exports == exports, "\(snippet.name)")
        }
        let bytes = Array(snippet.source.utf8)
        for record in summary.imports {
            #expect(record.range.lowerBound >= 0 && record.range.upperBound <= bytes.count)
            #expect(record.statementRange.lowerBound <= record.range.lowerBound)
            #expect(record.statementRange.upperBound >= record.range.upperBound)
            if let specifier = record.specifier {
                let raw = String(decoding: bytes[record.range], as: UTF8.self)
                if !raw.contains("\\") { #expect(raw == specifier, "\(snippet.name)") }
            }
        }
    }
}
