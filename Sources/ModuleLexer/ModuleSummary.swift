/// What the lexer learned about one module: its dependencies in source order and the names it exports.
/// It is a plain value so summaries can be cached and shared across tasks.
public struct ModuleSummary: Sendable, Equatable {
    /// Every import, re-export, dynamic import and `import.meta`, ordered by where it starts in the source.
    public var imports: [ImportRecord]
    /// Exported names in source order (`default` for `export default`, `ns` for `export * as ns from`).
    public var exports: [String]
    /// True when an `import`/`export` statement or `import.meta` was seen. A dynamic `import()` alone does
    /// not count, because it is also valid in classic scripts.
    public var hasModuleSyntax: Bool

    public init(imports: [ImportRecord], exports: [String], hasModuleSyntax: Bool) {
        self.imports = imports
        self.exports = exports
        self.hasModuleSyntax = hasModuleSyntax
    }

    /// Specifiers of static imports and `export … from`, in source order, each listed once:
    /// these are the edges a module graph must load before the module can run.
    public var staticSpecifiers: [String] {
        Self.unique(imports.lazy.filter { $0.kind == .staticImport || $0.kind == .exportFrom }.compactMap(\.specifier))
    }

    /// Specifiers of dynamic `import()` calls whose argument is a plain string (or substitution-free template),
    /// in source order, each listed once. Non-literal dynamic imports cannot be traced and are left out.
    public var dynamicSpecifiers: [String] {
        Self.unique(imports.lazy.filter { $0.kind == .dynamicImport }.compactMap(\.specifier))
    }

    static func unique<S: Sequence<String>>(_ values: S) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for value in values where seen.insert(value).inserted {
            result.append(value)
        }
        return result
    }
}
