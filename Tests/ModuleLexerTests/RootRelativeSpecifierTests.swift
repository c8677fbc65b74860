import ModuleLexer
import Testing

/// esm.sh modules import root-relative paths; served under a prefix they must become relative.
@Suite struct RootRelativeSpecifierTests {
    func relativize(_ source: String, at path: String) -> String? {
        RootRelativeSpecifiers.relativize(Array(source.utf8), modulePath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func esmShEntryAndBuildModules() {
        #expect(relativize(#"export * from "/stable/react@18.2.0/es2022/react.mjs";"#, at: "/react@18.2.0")
            == #"export * from "./stable/react@18.2.0/es2022/react.mjs";"#)
        let build = """
        import a from "/v135/scheduler@0.23.0/es2022/scheduler.mjs";
        import './local.js';
        import "https://esm.sh/x";
        const lazy = () => import('/stable/react@18.2.0/es2022/jsx.mjs?dev');
        export { b } from '/stable/react@18.2.0/es2022/react.mjs#x';
        """
        #expect(relativize(build, at: "/stable/react@18.2.0/es2022/react-dom.mjs") == """
        import a from "../../../v135/scheduler@0.23.0/es2022/scheduler.mjs";
        import './local.js';
        import "https://esm.sh/x";
        const lazy = () => import('./jsx.mjs?dev');
        export { b } from './react.mjs#x';
        """)
    }

    @Test func nothingToChangeIsNil() {
        #expect(relativize("import './a.js'; import x from 'react'; export const y = '/not/a/specifier';", at: "/a/b.js") == nil)
        #expect(relativize("import '//cdn.example/x.js';", at: "/a/b.js") == nil, "protocol-relative stays")
        #expect(relativize("", at: "/a.js") == nil)
        #expect(relativize("import 'x", at: "/a.js") == nil, "a module that does not lex is served as it is")
    }

    @Test func relativePaths() {
        #expect(relativize("import '/a/b/c.js';", at: "/a/b/d.js") == "import './c.js';")
        #expect(relativize("import '/a/c.js';", at: "/a/b/d.js") == "import '../c.js';")
        #expect(relativize("import '/npm:x@1.0.0/y.js';", at: "/top.js") == "import './npm:x@1.0.0/y.js';", "never a bare scheme-like path")
        #expect(relativize("import '/a/b/';", at: "/a/b/d.js") == "import './';")
        #expect(relativize("import '/a/b/c.js';", at: "/a/b/c.js") == "import './c.js';")
        #expect(relativize("import '/x\\u0027.js';", at: "/a.js") == nil, "a quote in the target is left alone")
    }
}
