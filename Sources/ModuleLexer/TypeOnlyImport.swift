/// TypeScript's type-only imports (`import type X from`, `import type { X } from`,
/// `import type * as N from`): TypeScript erases them, so they load no module. The lexer reads
/// TypeScript's `import` statements as JavaScript's and records these too; tracers of TypeScript
/// sources leave them out.
extension ImportRecord {
    /// Whether this static import is `import type …` in `source` (the bytes it was lexed from).
    /// `import type from 'x'` and `import type, { a } from 'x'` import a binding named `type`.
    public func isTypeOnly(in source: [UInt8]) -> Bool {
        guard kind == .staticImport else { return false }
        var cursor = TypeOnlyCursor(source: source, position: statementRange.lowerBound)
        guard cursor.word() == "import", cursor.skipSpace(), cursor.word() == "type", cursor.skipSpace() else { return false }
        switch cursor.current {
        case UInt8(ascii: "{"), UInt8(ascii: "*"): return true
        case _ where CharClass.isIdentifierPart(cursor.current):
            // `import type from 'x'` (a default import named type) versus `import type from from 'x'`.
            guard cursor.word() == "from" else { return true }
            return !(cursor.skipSpace() && CharClass.isQuote(cursor.current))
        default: return false
        }
    }
}

extension ModuleSummary {
    /// `staticSpecifiers` without those only type-only imports name: what a TypeScript module loads.
    public func staticSpecifiers(skippingTypeOnlyIn source: [UInt8]) -> [String] {
        Self.unique(imports.lazy.filter { ($0.kind == .staticImport || $0.kind == .exportFrom) && !$0.isTypeOnly(in: source) }.compactMap(\.specifier))
    }
}

/// Reads the words of an import statement's head.
private struct TypeOnlyCursor {
    let source: [UInt8]
    var position: Int

    var current: UInt8 { position < source.count ? source[position] : 0 }

    /// Skips whitespace; false at the end of the source.
    mutating func skipSpace() -> Bool {
        while position < source.count, [0x20, 0x09, 0x0A, 0x0D].contains(source[position]) { position += 1 }
        return position < source.count
    }

    /// The identifier at the position (empty if none), moving past it.
    mutating func word() -> String {
        let start = position
        while position < source.count, CharClass.isIdentifierPart(source[position]) { position += 1 }
        return String(decoding: source[start..<position], as: UTF8.self)
    }
}
