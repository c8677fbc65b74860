/// How a subpath of a package resolves to a file.
public enum EntryResolution: Sendable, Equatable {
    /// A package-relative path starting with `./`.
    case file(String)
    /// `exports` does not make the subpath available under these conditions.
    case notExported
    case notFound
}

/// Node's package resolution for browsers, as JSPM Generator applies it: `exports` (conditions in
/// key order, `*` patterns, folder mappings, `null` exclusions, array fallbacks), `imports` for `#…`,
/// and without `exports` the legacy `browser`, `module`, `main` fields with file search.
public struct PackageEntryResolver: Sendable {
    /// Conditions in force; `import` and `default` always apply, `require` never does.
    public let conditions: Set<String>

    public init(conditions: [String]) {
        self.conditions = Set(conditions).union(["import", "default"]).subtracting(["require"])
    }

    public func resolve(_ subpath: String, in manifest: PackageManifest, fileExists: (String) -> Bool) -> EntryResolution {
        if let exports = manifest.exports, exports != .null {
            guard let target = resolveExports(subpath, exports) else { return .notExported }
            return .file(target)
        }
        return legacy(subpath, manifest, fileExists)
    }

    /// `#name` through the package's `imports`: a `./` path or a bare specifier.
    public func resolveImport(_ specifier: String, in manifest: PackageManifest) -> String? {
        guard specifier.hasPrefix("#"), let members = manifest.imports?.objectMembers else { return nil }
        return match(specifier, in: members, allowBare: true)
    }

    /// Every subpath `exports` makes available (patterns expanded against `files`), with its target.
    public func exportedSubpaths(of manifest: PackageManifest, files: [String]) -> [String: String] {
        guard let exports = manifest.exports, exports != .null else { return [:] }
        var result: [String: String] = [:]
        guard let members = Self.subpathMap(exports) else { return result }
        for (key, value) in members {
            if key.contains("*") {
                // Match the files against the target pattern, then check the subpath resolves back
                // to that file (a more specific key or a null exclusion may take it).
                guard let pattern = target(value, substitution: "*", allowBare: false), let star = pattern.firstIndex(of: "*") else { continue }
                let prefix = pattern[..<star], suffix = pattern[pattern.index(after: star)...]
                for file in files {
                    let path = "./" + file
                    guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.count > prefix.count + suffix.count else { continue }
                    let middle = path.dropFirst(prefix.count).dropLast(suffix.count)
                    let subpath = key.replacingOccurrences(of: "*", with: middle)
                    if resolveExports(subpath, exports) == path { result[subpath] = path }
                }
            } else if !key.hasSuffix("/"), let target = resolveExports(key, exports) {
                result[key] = target
            }
        }
        return result
    }

    /// Every file any condition of `exports` (or the legacy fields) can load: the roots of a
    /// package's "used" files, whatever environment imports it.
    public static func allEntryFiles(of manifest: PackageManifest, files: Set<String>) -> Set<String> {
        var targets: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .string(let target) where target.hasPrefix("./"): targets.append(target)
            case .array(let items): items.forEach(collect)
            case .object(let members): members.forEach { collect($0.1) }
            default: break
            }
        }
        if let exports = manifest.exports { collect(exports) }
        if let browser = manifest.browser { collect(browser.stringValue.map { .string(Self.dotted($0)) } ?? browser) }
        for field in [manifest.module, manifest.main].compactMap({ $0 }) { targets.append(Self.dotted(field)) }
        if manifest.exports == nil { targets.append("./index") }
        var found = Set<String>()
        for target in targets {
            if let star = target.firstIndex(of: "*") {
                let prefix = target[..<star].dropFirst(2), suffix = target[target.index(after: star)...]
                found.formUnion(files.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) })
            } else if target.hasSuffix("/") {
                found.formUnion(files.filter { $0.hasPrefix(target.dropFirst(2)) })
            } else if let file = Self.search(target, { files.contains(String($0.dropFirst(2))) }) {
                found.insert(String(file.dropFirst(2)))
            }
        }
        return found
    }

    // MARK: exports

    /// `exports` as a map of subpaths; a bare string, array or condition object is the `.` export.
    static func subpathMap(_ exports: JSONValue) -> [(String, JSONValue)]? {
        guard let members = exports.objectMembers else { return [(".", exports)] }
        let dotted = members.filter { $0.0.hasPrefix(".") }
        if dotted.isEmpty { return [(".", exports)] }
        return dotted.count == members.count ? members : nil   // mixing subpaths and conditions is invalid
    }

    func resolveExports(_ subpath: String, _ exports: JSONValue) -> String? {
        guard let members = Self.subpathMap(exports) else { return nil }
        return match(subpath, in: members, allowBare: false)
    }

    /// PACKAGE_IMPORTS_EXPORTS_RESOLVE: an exact key, else the best `*` pattern, else a folder mapping.
    func match(_ subpath: String, in members: [(String, JSONValue)], allowBare: Bool) -> String? {
        if !subpath.contains("*"), let exact = members.first(where: { $0.0 == subpath }) {
            return target(exact.1, substitution: nil, allowBare: allowBare)
        }
        var best: (key: String, match: String, value: JSONValue)?
        for (key, value) in members {
            if let star = key.firstIndex(of: "*") {
                let prefix = key[..<star], suffix = key[key.index(after: star)...]
                guard subpath.hasPrefix(prefix), subpath != String(prefix), subpath.hasSuffix(suffix),
                      subpath.count >= prefix.count + suffix.count else { continue }
                if best == nil || Self.patternKeyCompare(key, best!.key) {
                    let middle = subpath.dropFirst(prefix.count).dropLast(suffix.count)
                    best = (key, String(middle), value)
                }
            } else if key.hasSuffix("/"), subpath.hasPrefix(key), best == nil || Self.patternKeyCompare(key, best!.key) {
                best = (key, String(subpath.dropFirst(key.count)), value)
            }
        }
        guard let best else { return nil }
        if best.key.hasSuffix("/") && !best.key.contains("*") {
            guard let base = target(best.value, substitution: nil, allowBare: allowBare), base.hasSuffix("/") else { return nil }
            return Self.validSubstitution(best.match) ? base + best.match : nil
        }
        return target(best.value, substitution: best.match, allowBare: allowBare)
    }

    /// Node's PATTERN_KEY_COMPARE: true when `a` should be preferred over `b` (longer prefix first).
    static func patternKeyCompare(_ a: String, _ b: String) -> Bool {
        let aBase = a.firstIndex(of: "*").map { a.distance(from: a.startIndex, to: $0) + 1 } ?? a.count
        let bBase = b.firstIndex(of: "*").map { b.distance(from: b.startIndex, to: $0) + 1 } ?? b.count
        if aBase != bBase { return aBase > bBase }
        if !a.contains("*") { return false }
        if !b.contains("*") { return true }
        return a.count > b.count
    }

    /// PACKAGE_TARGET_RESOLVE: strings, condition objects in key order, arrays of fallbacks.
    func target(_ value: JSONValue, substitution: String?, allowBare: Bool) -> String? {
        switch value {
        case .string(let target):
            guard target.hasPrefix("./") else {
                // Only `imports` may point at other packages (bare specifiers).
                guard allowBare, !target.hasPrefix("/"), !target.hasPrefix("../"), !target.contains("://") else { return nil }
                return substitution.map { target.replacingOccurrences(of: "*", with: $0) } ?? target
            }
            guard Self.validTarget(target) else { return nil }
            if let substitution {
                guard Self.validSubstitution(substitution) else { return nil }
                return target.replacingOccurrences(of: "*", with: substitution)
            }
            return target
        case .object(let conditions):
            for (condition, nested) in conditions where self.conditions.contains(condition) {
                if let resolved = target(nested, substitution: substitution, allowBare: allowBare) { return resolved }
                if nested == .null { return nil }
            }
            return nil
        case .array(let alternatives):
            for alternative in alternatives {
                if let resolved = target(alternative, substitution: substitution, allowBare: allowBare) { return resolved }
            }
            return nil
        default:
            return nil   // null excludes; numbers and booleans are invalid
        }
    }

    /// A target stays inside the package: no `..`, `.` (after the first) or `node_modules` segments.
    static func validTarget(_ target: String) -> Bool {
        let segments = target.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        return !segments.contains { $0 == "." || $0 == ".." || $0.lowercased() == "node_modules" }
    }

    static func validSubstitution(_ text: String) -> Bool {
        !text.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == "." || $0 == ".." || $0.lowercased() == "node_modules" }
    }

    // MARK: without exports

    /// `browser` (string or object form), `module`, `main`, then `index`, each with a file search:
    /// X, X.js, X.mjs, X.json, X/index.js, X/index.mjs, X/index.json.
    func legacy(_ subpath: String, _ manifest: PackageManifest, _ fileExists: (String) -> Bool) -> EntryResolution {
        let browserMap = conditions.contains("browser") ? manifest.browser?.objectMembers : nil
        var candidates: [String] = []
        if subpath == "." {
            if conditions.contains("browser"), let browser = manifest.browser?.stringValue { candidates.append(browser) }
            if let module = manifest.module { candidates.append(module) }   // ES modules first, as browsers need
            if let main = manifest.main { candidates.append(main) }
            candidates.append("index")
        } else {
            candidates.append(subpath)
        }
        for candidate in candidates {
            guard let file = Self.search(Self.dotted(candidate), fileExists) else { continue }
            if let browserMap {
                if let (_, mapped) = browserMap.first(where: { Self.dotted($0.0) == file || Self.search(Self.dotted($0.0), fileExists) == file }) {
                    if case .string(let target) = mapped, let remapped = Self.search(Self.dotted(target), fileExists) { return .file(remapped) }
                    return .notFound   // `false`: the file is left out for browsers
                }
            }
            return .file(file)
        }
        return .notFound
    }

    static func dotted(_ path: String) -> String {
        if path.hasPrefix("./") { return path }
        if path.hasPrefix("/") { return "." + path }
        return "./" + path
    }

    static func search(_ path: String, _ fileExists: (String) -> Bool) -> String? {
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        for candidate in [base, base + ".js", base + ".mjs", base + ".json", base + "/index.js", base + "/index.mjs", base + "/index.json"]
        where fileExists(candidate) {
            return candidate
        }
        return nil
    }
}
