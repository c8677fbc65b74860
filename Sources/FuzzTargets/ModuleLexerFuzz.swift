import ModuleLexer

/// ES module (or TypeScript) source from any upstream: every record lies inside the source, and relinking
/// root-relative specifiers keeps the module lexable with the same number of imports.
enum ModuleLexerFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let summary = try? ModuleLexer.parse(bytes) else { return }
        for record in summary.imports {
            require(record.range.lowerBound >= 0 && record.range.upperBound <= bytes.count, "range \(record.range) outside \(bytes.count) bytes")
            require(record.statementRange.lowerBound >= 0 && record.statementRange.upperBound <= bytes.count, "statement range outside the source")
        }
        // TypeScript's type-only imports (read from the same bytes) only ever take specifiers away.
        let loaded = Set(summary.staticSpecifiers(skippingTypeOnlyIn: bytes))
        require(loaded.isSubset(of: Set(summary.staticSpecifiers)), "skipping type-only imports added a specifier")
        guard let relinked = RootRelativeSpecifiers.relativize(bytes, modulePath: "/stable/pkg@1.0.0/es2022/mod.mjs") else { return }
        let again = try? ModuleLexer.parse(relinked)
        require(again?.imports.count == summary.imports.count, "relinking changed the module's imports")
        // A root-relative specifier may stay only where its relative form could not be written
        // between the original quotes unescaped (control bytes, quotes, backslash, `$`).
        for record in again?.imports ?? [] {
            guard let specifier = record.specifier, specifier.hasPrefix("/"), !specifier.hasPrefix("//"), specifier != "/" else { continue }
            require(specifier.utf8.contains { $0 < 0x20 || "'\"`\\$".utf8.contains($0) }, "\(specifier.debugDescription) survived relinking")
        }
    }
}
