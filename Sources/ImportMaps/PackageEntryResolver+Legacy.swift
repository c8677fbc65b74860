import JSON
/// Packages without `exports`: the `browser`, `module` and `main` fields and CommonJS file search.
extension PackageEntryResolver {
    func resolveLegacy(_ subpath: String, in manifest: PackageManifest, fileExists: (String) -> Bool) -> EntryResolution {
        let browserMap = usesBrowserField ? Self.browserFileMap(manifest.browser) : []
        if subpath == "." {
            var candidates: [String] = []
            if usesBrowserField, let browser = manifest.browser?.stringValue { candidates.append(browser) }
            if let module = manifest.module { candidates.append(module) }
            if let main = manifest.main { candidates.append(main) }
            candidates.append("index")
            for candidate in candidates {
                guard let path = Self.packagePath(candidate), let file = Self.search(path, fileExists) else { continue }
                return Self.remap(file, requested: path, browserMap, fileExists)
            }
            return .notFound
        }
        guard let path = Self.packagePath(subpath) else { return .notFound }
        guard let file = Self.search(path, fileExists) else {
            // The browser field may name a file that is not there, to stand in for it.
            if let entry = browserMap.first(where: { $0.key == path }) { return Self.apply(entry.value, fileExists) }
            return .notFound
        }
        return Self.remap(file, requested: path, browserMap, fileExists)
    }

    /// The file-remapping entries of the object form of `browser`, keys as `./` paths. Keys not
    /// starting with `.` or `/` remap other packages (`"fs": false`) and are left out.
    static func browserFileMap(_ browser: JSONValue?) -> [(key: String, value: JSONValue)] {
        guard let members = browser?.objectMembers else { return [] }
        return jsMembers(members).compactMap { key, value in
            guard key.hasPrefix(".") || key.hasPrefix("/"), let path = packagePath(key) else { return nil }
            return (path, value)
        }
    }

    /// Applies the browser map to `file`, found for the path `requested`: an entry matches when its
    /// key is either of them or searches to the same file (`"./lib/server"` for `./lib/server.js`).
    static func remap(_ file: String, requested: String, _ browserMap: [(key: String, value: JSONValue)], _ fileExists: (String) -> Bool) -> EntryResolution {
        let entry = browserMap.first { $0.key == file || $0.key == requested }
            ?? browserMap.first { search($0.key, fileExists) == file }
        guard let entry else { return .file(file) }
        return apply(entry.value, fileExists)
    }

    /// A browser map value: `false` leaves the file out; a path replaces it (searched in turn).
    static func apply(_ value: JSONValue, _ fileExists: (String) -> Bool) -> EntryResolution {
        switch value {
        case .bool(false):
            return .notFound
        case .string(let replacement):
            guard let path = packagePath(replacement), let file = search(path, fileExists) else { return .notFound }
            return .file(file)
        default:
            return .notFound
        }
    }

    /// Node's CommonJS search: X, X.js, X.json, X/index.js, X/index.json; a trailing slash (or
    /// the package root) only searches the folder. `.mjs` is never guessed, only taken as written.
    static func search(_ path: String, _ fileExists: (String) -> Bool) -> String? {
        let folderOnly = path.hasSuffix("/") || path == "."
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        let candidates = folderOnly
            ? [base + "/index.js", base + "/index.json"]
            : [base, base + ".js", base + ".json", base + "/index.js", base + "/index.json"]
        return candidates.first(where: fileExists)
    }

    /// A package-relative path as `./a/b` with `.` and `..` segments folded (`"lib/main"`,
    /// `"/lib/main"`, `"./lib/../main"`); `nil` when it climbs out of the package. A trailing
    /// slash is kept (it means a folder); the package root is `"."`.
    static func packagePath(_ path: String) -> String? {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            default: segments.append(segment)
            }
        }
        if segments.isEmpty { return "." }
        let folder = path.hasSuffix("/") || path.hasSuffix("/.") || path.hasSuffix("/..") || path == "." || path == ".."
        return "./" + segments.joined(separator: "/") + (folder ? "/" : "")
    }
}
