/// One module dependency found in a source file: a static import, a re-export, a dynamic `import()` or `import.meta`.
/// Offsets are UTF-8 byte offsets so the import-map generator can slice or rewrite the original bytes directly.
public struct ImportRecord: Sendable, Equatable {
    /// Which syntactic form produced the record; the graph tracer follows static edges eagerly and dynamic ones lazily.
    public enum Kind: Sendable, Equatable {
        /// `import … from 'x'` or `import 'x'`.
        case staticImport
        /// `export … from 'x'` (including `export * from 'x'`).
        case exportFrom
        /// `import(…)`.
        case dynamicImport
        /// `import.meta`.
        case importMeta
    }

    public var kind: Kind
    /// Decoded string value (escapes processed). `nil` for a non-literal `import(expr)` and for `import.meta`.
    public var specifier: String?
    /// Byte range of the specifier's contents without quotes. For a non-literal dynamic import it is the raw
    /// argument text (up to the closing paren, or to the `,` before options); for `import.meta` the `import.meta` span.
    public var range: Range<Int>
    /// Byte range of the whole statement (`import … 'x'` including any `with {…}` clause, without the `;`)
    /// or of the whole `import(…)` expression.
    public var statementRange: Range<Int>

    public init(kind: Kind, specifier: String?, range: Range<Int>, statementRange: Range<Int>) {
        self.kind = kind
        self.specifier = specifier
        self.range = range
        self.statementRange = statementRange
    }
}
