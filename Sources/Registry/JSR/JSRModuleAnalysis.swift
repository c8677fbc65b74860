import ModuleLexer

/// Builds a package's module graph the way jsr.io does at publish time, with the import lexer instead of a full
/// TypeScript parser: every import is recorded, relative ones must resolve inside the package, `jsr:`/`npm:` ones
/// become the version's dependencies.
public enum JSRModuleAnalysis {
    private static let moduleExtensions = [".js", ".mjs", ".jsx", ".ts", ".mts", ".tsx"]

    /// JavaScript and TypeScript files (`.js .mjs .jsx .ts .mts .tsx`, so `.d.ts` too); other files are never lexed.
    public static func isModule(_ path: String) -> Bool {
        moduleExtensions.contains { path.hasSuffix($0) }
    }

    /// Lexes the modules and returns moduleGraph2, keyed by package path (`/mod.ts`; every analysed module,
    /// possibly with no dependencies), and the sorted, de-duplicated `jsr:`/`npm:` dependencies.
    ///
    /// With `roots` (the export targets as package paths), only modules reachable from them are analysed, as on
    /// jsr.io, where a broken file that nothing imports does not fail the publish; without, every module is.
    /// Throws `graphError` for a module that cannot be lexed or is not UTF-8, or a relative or absolute-path
    /// specifier naming no file of the package; `invalidJsrSpecifier`, `invalidNpmSpecifier` or `missingConstraint`
    /// for malformed `jsr:`/`npm:` specifiers. Non-literal dynamic imports and `import.meta` are skipped; bare
    /// specifiers and URLs are recorded in the graph (an import map may resolve them) but are not dependencies.
    public static func analyse(
        _ files: [(path: String, bytes: [UInt8])],
        roots: [String]? = nil
    ) throws(JSRTaskError) -> (graph: [String: JSRModuleInfo], dependencies: [JSRDependency]) {
        var contents: [String: [UInt8]] = [:]
        for file in files { contents[file.path] = file.bytes }

        var queue = roots ?? files.map(\.path).filter(isModule).sorted()
        var queued = Set(queue)
        var graph: [String: JSRModuleInfo] = [:]
        var dependencies = Set<JSRDependency>()
        var next = 0
        while next < queue.count {
            let path = queue[next]
            next += 1
            guard let bytes = contents[path] else {
                throw JSRTaskError("graphError", "failed to build module graph: Module not found \"file://\(path)\".")
            }
            guard isModule(path) else { continue }
            let info = try analyseModule(path: path, bytes: bytes)
            graph[path] = info
            for dependency in info.dependencies {
                if let parsed = try JSRDependency.parse(dependency.specifier) {
                    dependencies.insert(parsed)
                    continue
                }
                guard let target = resolve(dependency.specifier, from: path) else { continue }
                guard contents[target] != nil else {
                    let line = dependency.specifierRange[0][0] + 1
                    let column = dependency.specifierRange[0][1] + 1
                    throw JSRTaskError("graphError",
                                       "failed to build module graph: Module not found \"file://\(target)\".\n    at file://\(path):\(line):\(column)")
                }
                if queued.insert(target).inserted { queue.append(target) }
            }
        }
        let sorted = dependencies.sorted {
            ($0.kind.rawValue, $0.name, $0.constraint, $0.path) < ($1.kind.rawValue, $1.name, $1.constraint, $1.path)
        }
        return (graph, sorted)
    }

    /// One module's dependencies in source order, ranges converted from UTF-8 offsets to lines and UTF-16 columns.
    private static func analyseModule(path: String, bytes: [UInt8]) throws(JSRTaskError) -> JSRModuleInfo {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw JSRTaskError("graphError", "failed to build module graph: invalid data: file://\(path) is not valid UTF-8")
        }
        let lines = LineMap(bytes)
        let summary: ModuleSummary
        do {
            summary = try ModuleLexer.parse(bytes)
        } catch {
            // ModuleLexer is a JavaScript lexer: JSX closing tags read as regexes. Such modules are
            // kept with their dependencies unknown rather than failing a valid publish.
            if path.hasSuffix(".jsx") || path.hasSuffix(".tsx") { return JSRModuleInfo(dependencies: []) }
            let (line, column) = lines.position(of: error.offset)
            throw JSRTaskError("graphError",
                               "failed to build module graph: The module's source code could not be parsed: \(error.message) at file://\(path):\(line + 1):\(column + 1)")
        }
        var dependencies: [JSRModuleInfo.Dependency] = []
        for record in summary.imports {
            guard let specifier = record.specifier else { continue }  // import.meta, non-literal import(…)
            let kind: String
            switch record.kind {
            case .staticImport: kind = isTypeOnlyImport(bytes, statementStart: record.statementRange.lowerBound) ? "importType" : "import"
            case .exportFrom: kind = "export"
            case .dynamicImport: kind = "import"
            case .importMeta: continue
            }
            // The lexer's range excludes the quotes (one byte each); deno_graph's includes them.
            let start = lines.position(of: record.range.lowerBound - 1)
            let end = lines.position(of: record.range.upperBound + 1)
            dependencies.append(JSRModuleInfo.Dependency(
                type: record.kind == .dynamicImport ? "dynamic" : "static",
                kind: kind,
                specifier: specifier,
                specifierRange: [[start.line, start.column], [end.line, end.column]]))
        }
        return JSRModuleInfo(dependencies: dependencies)
    }

    /// The package path a relative (`./`, `../`) or absolute-path (`/`) specifier names, resolved as a URL
    /// against `file://<from>` (query and fragment dropped); nil for URLs and bare specifiers.
    static func resolve(_ specifier: String, from modulePath: String) -> String? {
        let isRelative = specifier.hasPrefix("./") || specifier.hasPrefix("../") || specifier == "." || specifier == ".."
        let isAbsolutePath = specifier.hasPrefix("/") && !specifier.hasPrefix("//")
        guard isRelative || isAbsolutePath else { return nil }
        var text = Substring(specifier)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        var segments = isAbsolutePath ? [] : Array(modulePath.split(separator: "/").dropLast())
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        for part in parts {
            switch part {
            case "", ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(part)
            }
        }
        // `./dir/`, `.` and `..` name folders, which are never files of the package.
        let namesFolder = text.hasSuffix("/") || parts.last == "." || parts.last == ".."
        return "/" + segments.joined(separator: "/") + (namesFolder ? "/" : "")
    }

    /// `import type … from` (not `import type from "x"`, which imports a default export named `type`).
    /// The lexer does not tell them apart, so the statement's first words are read here.
    private static func isTypeOnlyImport(_ bytes: [UInt8], statementStart: Int) -> Bool {
        var index = statementStart + 6  // after `import`
        func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }
        func word() -> ArraySlice<UInt8> {
            let start = index
            while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
            return bytes[start..<index]
        }
        func isQuote() -> Bool { index < bytes.count && (bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'")) }
        skipSpace()
        guard word().elementsEqual("type".utf8) else { return false }
        skipSpace()
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "*"):
            return true  // `import type { A }`, `import type * as ns`
        case UInt8(ascii: ","):
            return false  // `import type, { a }`: a default import named `type`
        default:
            // `import type A from "x"` is type-only; `import type from "x"` binds `type`; `import type from from "x"` binds `from`.
            let binding = word()
            guard !binding.isEmpty else { return false }
            guard binding.elementsEqual("from".utf8) else { return true }
            skipSpace()
            return !isQuote()
        }
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"), 0x80...:
            true
        default:
            false
        }
    }

    /// Line starts of a source, for turning UTF-8 offsets into 0-based lines and UTF-16 columns.
    /// Lines end at `\n`, `\r\n`, a lone `\r`, U+2028 or U+2029, as in JavaScript.
    private struct LineMap {
        let bytes: [UInt8]
        private var starts: [Int] = [0]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var index = 0
            while index < bytes.count {
                switch bytes[index] {
                case 0x0A:
                    starts.append(index + 1)
                case 0x0D where index + 1 >= bytes.count || bytes[index + 1] != 0x0A:
                    starts.append(index + 1)
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    starts.append(index + 3)
                    index += 2
                default:
                    break
                }
                index += 1
            }
        }

        func position(of offset: Int) -> (line: Int, column: Int) {
            let offset = max(0, min(offset, bytes.count))
            var low = 0
            var high = starts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if starts[middle] <= offset { low = middle } else { high = middle - 1 }
            }
            let column = String(decoding: bytes[starts[low]..<offset], as: UTF8.self).utf16.count
            return (low, column)
        }
    }
}
