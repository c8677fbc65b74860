import ModuleLexer

/// ES module source from any upstream: every record lies inside the source, and relinking
/// root-relative specifiers keeps the module lexable with the same number of imports.
enum ModuleLexerFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let summary = try? ModuleLexer.parse(bytes) else { return }
        for record in summary.imports {
            require(record.range.lowerBound >= 0 && record.range.upperBound <= bytes.count, "range \(record.range) outside \(bytes.count) bytes")
            require(record.statementRange.lowerBound >= 0 && record.statementRange.upperBound <= bytes.count, "statement range outside the source")
        }
        guard let relinked = RootRelativeSpecifiers.relativize(bytes, modulePath: "/stable/pkg@1.0.0/es2022/mod.mjs") else { return }
        let again = try? ModuleLexer.parse(relinked)
        require(again?.imports.count == summary.imports.count, "relinking changed the module's imports")
        require(again?.imports.allSatisfy { !($0.specifier ?? "").hasPrefix("/") || ($0.specifier ?? "").hasPrefix("//") || $0.specifier == "/" } ?? false
                || again?.imports.contains { ($0.specifier ?? "").contains { "'\"`\\\\$".contains($0) } } == true,
                "a root-relative specifier survived relinking")
    }
}
