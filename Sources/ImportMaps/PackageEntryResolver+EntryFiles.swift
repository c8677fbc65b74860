import JSON
/// The files a package's entry fields can reach under any conditions.
extension PackageEntryResolver {
    /// Every file (package-relative, without `./`) that some condition of `exports`, a `./`
    /// target of `imports`, or — without `exports` — the `browser`, `module` and `main` fields or
    /// the `index` fallback can load: the roots of a package's used files, whatever environment
    /// imports it. `*` targets and folder targets are expanded against `files`; plain targets
    /// are searched like `main` (`X`, `X.js`, `X.json`, `X/index.js`, `X/index.json`).
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
        if manifest.hasExports, let exports = manifest.exports {
            collect(exports)
        } else {
            if let browser = manifest.browser {
                if let path = browser.stringValue { targets.append(path) }
                for (key, value) in browserFileMap(browser) {
                    targets.append(key)
                    if let replacement = value.stringValue { targets.append(replacement) }
                }
            }
            targets += [manifest.module, manifest.main, "index"].compactMap { $0 }
        }
        if let imports = manifest.imports { collect(imports) }

        let paths = files.map { "./" + $0 }
        var found = Set<String>()
        for target in targets {
            guard let path = packagePath(target) else { continue }
            if path.contains("*") {
                let parts = path.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
                found.formUnion(paths.filter { match($0, against: parts) != nil }.map { String($0.dropFirst(2)) })
            } else if path.hasSuffix("/"), path != "./" {
                found.formUnion(paths.filter { $0.hasPrefix(path) }.map { String($0.dropFirst(2)) })
            } else if let file = search(path, { files.contains(String($0.dropFirst(2))) }) {
                found.insert(String(file.dropFirst(2)))
            }
        }
        return found
    }
}
