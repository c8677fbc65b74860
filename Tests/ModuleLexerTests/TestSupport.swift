import ModuleLexer

/// Compact description of one import record for table-driven expectations.
enum Dep: Equatable, Sendable, CustomStringConvertible {
    /// Static `import … 'x'`.
    case s(String)
    /// `export … from 'x'`.
    case x(String)
    /// Dynamic `import(…)`; nil when the argument is not a literal.
    case d(String?)
    /// `import.meta`.
    case m

    init(_ record: ImportRecord) {
        switch record.kind {
        case .staticImport: self = .s(record.specifier ?? "<nil>")
        case .exportFrom: self = .x(record.specifier ?? "<nil>")
        case .dynamicImport: self = .d(record.specifier)
        case .importMeta: self = .m
        }
    }

    var description: String {
        switch self {
        case .s(let v): "s(\(v))"
        case .x(let v): "x(\(v))"
        case .d(let v): "d(\(v ?? "nil"))"
        case .m: "m"
        }
    }
}

func deps(_ summary: ModuleSummary) -> [Dep] { summary.imports.map(Dep.init) }

/// The source text covered by a UTF-8 byte range.
func slice(_ source: String, _ range: Range<Int>) -> String {
    String(decoding: Array(source.utf8)[range], as: UTF8.self)
}

/// Returns the error thrown by the lexer, or nil when it parsed.
func lexError(_ source: String) -> LexerError? {
    do {
        _ = try ModuleLexer.parse(source)
        return nil
    } catch {
        return error
    }
}
