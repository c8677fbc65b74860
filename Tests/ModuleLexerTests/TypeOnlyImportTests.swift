import ModuleLexer
import Testing

/// TypeScript's type-only imports, which tracers of `.ts` modules leave out (TypeScript erases them;
/// JSPM's TypeScript analysis keeps every other import, babel's `onlyRemoveTypeImports`).
@Suite struct TypeOnlyImportTests {
    @Test(arguments: [
        ("import type { T } from './t.ts'", true),
        ("import type T from './t.ts'", true),
        ("import type * as N from './t.ts'", true),
        ("import  type\n{ T } from './t.ts'", true),
        ("import type from from './t.ts'", true),
        // A default import named `type`, and `type` beside other bindings: real imports.
        ("import type from './t.ts'", false),
        ("import type, { a } from './t.ts'", false),
        ("import { type T } from './t.ts'", false),
        ("import { T } from './t.ts'", false),
        ("import './t.ts'", false),
        ("import typed from './t.ts'", false),
    ])
    func statement(source: String, typeOnly: Bool) throws {
        let summary = try ModuleLexer.parse(source)
        let record = try #require(summary.imports.first)
        #expect(record.isTypeOnly(in: Array(source.utf8)) == typeOnly)
    }

    /// A module's runtime dependencies: a specifier imported for types and for values stays.
    @Test func staticSpecifiersSkippingTypeOnly() throws {
        let source = "import type { A } from './types.ts';\nimport type { B } from './both.ts';\nimport { b } from './both.ts';\nexport { c } from './c.ts';\nexport type { D } from './d.ts';\nconst x: number = 1;\n"
        let summary = try ModuleLexer.parse(source)
        #expect(summary.staticSpecifiers(skippingTypeOnlyIn: Array(source.utf8)) == ["./both.ts", "./c.ts"])
    }
}
