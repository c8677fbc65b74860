/// Resolves a package's entry points from its package.json the way Node's ESM resolver
/// (PACKAGE_EXPORTS_RESOLVE, PACKAGE_IMPORTS_RESOLVE, PACKAGE_TARGET_RESOLVE) and JSPM Generator
/// do for browser import maps.
///
/// With `exports`:
/// - a string, array or condition object is the `.` export; an object whose keys all start with
///   `.` is a subpath map; mixing the two is invalid, and so nothing is exported;
/// - an exact key wins; otherwise the best `*` pattern key (Node's PATTERN_KEY_COMPARE: longest
///   prefix before the `*`, then the longest key) or a deprecated trailing-slash folder key;
/// - condition objects are walked in key order; a condition applies when it is one of the
///   resolver's conditions, `import` or `default` (`require` never applies); a branch that
///   matches no condition falls through to the next key, but a matched `null` stops the walk;
/// - arrays are fallbacks: the first alternative that resolves wins; invalid and `null`
///   alternatives are skipped;
/// - targets must start with `./` and have no `.`, `..` or `node_modules` segments after it
///   (percent-encoded forms included); a `*` match may not contain such segments either.
///
/// Exports targets are returned as written, as Node's `import.meta.resolve` does: `fileExists` is
/// only consulted for packages without `exports`.
///
/// Without `exports` (legacy CommonJS-era packages), `.` is the first of these that names a file:
/// `browser` (string form; only with the `browser` condition), `module`, `main`, then `index`.
/// Each is searched in Node's CommonJS order — `X`, `X.js`, `X.json`, `X/index.js`,
/// `X/index.json` (`.mjs` is not guessed: fields naming `.mjs` files say so) — and the result, like
/// any other subpath's, is then remapped by the object form of `browser` (`false` → `notFound`).
public struct PackageEntryResolver: Sendable {
    /// The conditions in force: those given plus `import` and `default`, never `require`.
    public let conditions: Set<String>

    /// `conditions` such as `["browser", "development", "module"]`; `import` and `default`
    /// always apply and `require` never does.
    public init(conditions: [String]) {
        self.conditions = Set(conditions).union(["import", "default"]).subtracting(["require"])
    }

    /// Whether the legacy `browser` field applies.
    var usesBrowserField: Bool { conditions.contains("browser") }

    /// Resolves `subpath` (`"."`, `"./feature"`, `"./feature/x.js"`) to a package-relative file.
    /// `fileExists` receives `./`-prefixed package-relative paths.
    public func resolve(_ subpath: String, in manifest: PackageManifest, fileExists: (String) -> Bool) -> EntryResolution {
        let subpath = Self.normalizedSubpath(subpath)
        if manifest.hasExports, let exports = manifest.exports {
            guard let map = Self.exportsMap(exports),
                  case .resolved(let target) = resolveMatch(subpath, in: map, isImports: false)
            else { return .notExported }
            return .file(target)
        }
        return resolveLegacy(subpath, in: manifest, fileExists: fileExists)
    }

    /// Resolves a `#name` specifier through the package's `imports`. The result is a `./` path
    /// inside the package or a bare specifier of another package (e.g. `"#dep": "lodash"`), or
    /// `nil` when `imports` does not define it under these conditions.
    public func resolveImport(_ specifier: String, in manifest: PackageManifest) -> String? {
        // Node rejects "#", "#/…" and specifiers ending in "/".
        guard specifier.hasPrefix("#"), specifier != "#", !specifier.hasPrefix("#/"), !specifier.hasSuffix("/"),
              let members = manifest.imports?.objectMembers,
              case .resolved(let target) = resolveMatch(specifier, in: Self.jsMembers(members), isImports: true)
        else { return nil }
        return target
    }

    /// Every subpath `exports` makes available under these conditions, mapped to its `./` target.
    /// Exact keys are listed as resolved; `*` pattern and folder keys are expanded against `files`
    /// (package-relative paths, with or without a leading `./`), keeping only subpaths that
    /// resolve back to the file — so `null` exclusions and more specific keys are respected.
    /// A package without `exports` lists nothing.
    public func exportedSubpaths(of manifest: PackageManifest, files: [String]) -> [String: String] {
        guard manifest.hasExports, let exports = manifest.exports, let map = Self.exportsMap(exports) else { return [:] }
        let paths = files.map { file in
            var file = Substring(file)
            while file.hasPrefix("./") { file = file.dropFirst(2) }
            while file.hasPrefix("/") { file = file.dropFirst() }
            return "./" + file
        }
        var result: [String: String] = [:]
        func add(_ subpath: String, _ path: String) {
            if case .resolved(let target) = resolveMatch(subpath, in: map, isImports: false), target == path {
                result[subpath] = path
            }
        }
        for (key, value) in map {
            if let star = key.firstIndex(of: "*") {
                guard key.lastIndex(of: "*") == star,
                      case .resolved(let template) = resolveTarget(value, substitution: .pattern("*"), isImports: false)
                else { continue }
                let parts = template.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
                guard parts.count > 1 else { continue }   // a target without `*` names no files to list by
                for path in paths {
                    guard let match = Self.match(path, against: parts) else { continue }
                    add(PackagePathText.replacingStars(in: key, with: match), path)
                }
            } else if key.hasSuffix("/") {
                guard case .resolved(let folder) = resolveTarget(value, substitution: .folder(""), isImports: false) else { continue }
                for path in paths where path.hasPrefix(folder) && path.count > folder.count {
                    add(key + path.dropFirst(folder.count), path)
                }
            } else if case .resolved(let target) = resolveMatch(key, in: map, isImports: false) {
                result[key] = target
            }
        }
        return result
    }

    /// The export subpath prefixes (`./modules/`) of `*` keys whose target under these conditions
    /// keeps the key's tail (`./modules/*` → `./modules/*`, `./x/*.js` → `./src/*.js`), so a
    /// trailing-slash mapping serves them without loss (2.16.3 common/package.ts
    /// `getWildcardPrefixes`). With a tail, every listed file under the target's folder must end in
    /// it; without `files` that is not checked, as in JSPM.
    public func wildcardPrefixes(of manifest: PackageManifest, files: Set<String>?) -> [String] {
        guard manifest.hasExports, let exports = manifest.exports, let map = Self.exportsMap(exports) else { return [] }
        var prefixes: [String] = []
        for (key, value) in map {
            guard let star = key.firstIndex(of: "*"),
                  case .resolved(let target) = resolveTarget(value, substitution: .pattern("*"), isImports: false),
                  target.hasPrefix("./"), let targetStar = target.firstIndex(of: "*")
            else { continue }
            let tail = key[key.index(after: star)...]
            guard target[target.index(after: targetStar)...] == tail else { continue }
            let folder = target[target.index(target.startIndex, offsetBy: 2)..<targetStar]
            if let files, !tail.isEmpty, files.contains(where: { $0.hasPrefix(folder) && !$0.hasSuffix(tail) }) { continue }
            let prefix = String(key[..<star])
            if !prefixes.contains(prefix) { prefixes.append(prefix) }
        }
        return prefixes
    }

    // MARK: subpaths

    static func normalizedSubpath(_ subpath: String) -> String {
        if subpath.isEmpty || subpath == "." || subpath == "./" { return "." }
        if subpath.hasPrefix("./") { return subpath }
        if subpath.hasPrefix("/") { return "." + subpath }
        return "./" + subpath
    }

    /// The `*` substitution that turns `parts` (a target split at its `*`s) into `path`.
    static func match(_ path: String, against parts: [String]) -> String? {
        let stars = parts.count - 1
        let fixed = parts.reduce(0) { $0 + $1.utf8.count }
        let extra = path.utf8.count - fixed
        guard stars > 0, extra > 0, extra % stars == 0, path.hasPrefix(parts[0]) else { return nil }
        let utf8 = Array(path.utf8)
        let start = parts[0].utf8.count
        guard let candidate = String(validating: utf8[start..<start + extra / stars], as: UTF8.self) else { return nil }
        return parts.joined(separator: candidate) == path ? candidate : nil
    }
}
