import JSON
import Tarball

/// The checks jsr.io runs on a publish once its tarball is unpacked: entry types, sizes, paths, then the config.
///
/// Pure functions on values, so the publishing task can run them anywhere and tests need no server.
public enum JSRPackageRules {
    /// Checks an unpacked publish for `@scope/name@version` and returns its files and exports; the first
    /// rule broken is thrown with jsr.io's task error code (`linkInTarball`, `invalidPath`, `configFileExportsInvalid`…).
    ///
    /// `scope` is given without `@`. Directory entries are skipped, as on jsr.io: `tar` writes one per folder.
    public static func check(
        archive: TarArchive,
        configPath: String,
        scope: String,
        name: String,
        version: String,
        limits: JSRLimits
    ) throws(JSRTaskError) -> JSRPackageContents {
        try checkEntryTypes(archive.specials)
        let files = archive.files.map { (path: "/" + $0.path, bytes: $0.bytes) }
        try checkSizes(files, limits: limits)
        try checkPaths(files.map(\.path))
        let exports = try checkConfig(
            files: files, configPath: configPath, expectedName: "@\(scope)/\(name)", expectedVersion: version)
        return JSRPackageContents(files: files.sorted { $0.path < $1.path }, exports: exports, configPath: configPath)
    }

    /// nil for relative, absolute-path, URL (`http:`, `https:`, `data:`, `node:`…) and bare specifiers;
    /// throws `invalidJsrSpecifier`, `invalidNpmSpecifier` or `missingConstraint` for malformed `jsr:`/`npm:` ones.
    public static func dependency(from specifier: String) throws(JSRTaskError) -> JSRDependency? {
        try JSRDependency.parse(specifier)
    }

    // MARK: - Entries and sizes

    /// Messages name the entry as jsr.io does: `./x` and `x` both read `/x`.
    private static func checkEntryTypes(_ specials: [TarSpecialEntry]) throws(JSRTaskError) {
        for special in specials {
            let path = special.path.hasPrefix("./") ? String(special.path.dropFirst())
                : special.path.hasPrefix("/") ? special.path : "/" + special.path
            switch special.kind {
            case .directory:
                continue
            case .hardLink, .symbolicLink:
                throw JSRTaskError("linkInTarball", "entry at '\(path)' is a link, only regular files and directories are allowed")
            case .characterDevice, .blockDevice, .fifo, .other:
                throw JSRTaskError("invalidEntryType", "entry at '\(path)' is not a regular file or directory")
            }
        }
    }

    /// The file count first; then, in archive order, each file's size and the running total, as jsr.io streams them.
    private static func checkSizes(_ files: [(path: String, bytes: [UInt8])], limits: JSRLimits) throws(JSRTaskError) {
        guard files.count <= limits.maxFiles else {
            throw JSRTaskError("packageTooLarge", "package has \(files.count) files, the limit is \(limits.maxFiles)")
        }
        var total = 0
        for file in files {
            guard file.bytes.count <= limits.maxFileSize else {
                throw JSRTaskError("fileTooLarge",
                                   "file at path '\(file.path)' too large, max size is \(limits.maxFileSize), got \(file.bytes.count)")
            }
            total += file.bytes.count
            guard total <= limits.maxPackageSize else {
                throw JSRTaskError("packageTooLarge",
                                   "package too large as limit has been exceeded by '\(file.path)', max size is \(limits.maxPackageSize), got \(total)")
            }
        }
    }

    // MARK: - Paths

    private static func checkPaths(_ paths: [String]) throws(JSRTaskError) {
        var folded: [String: String] = [:]
        for path in paths {
            if let problem = pathProblem(path) {
                throw JSRTaskError("invalidPath", "path '\(path)' is invalid: \(problem)")
            }
            if path.hasPrefix("/.git/") {
                throw JSRTaskError("invalidGitPath", "path '\(path)' is invalid: .git files are not allowed")
            }
            let key = asciiLowercased(path)
            if let other = folded[key] {
                throw JSRTaskError("caseInsensitiveDuplicatePath", "case-insensitive duplicate path '\(path)' and '\(other)'")
            }
            folded[key] = path
        }
    }

    private static let windowsReservedNames: Set<String> = [
        "con", "prn", "aux", "nul",
        "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ]

    /// jsr.io's package path rules (`/a/b.ts`): why `path` breaks one, or nil. Paths must also work on Windows
    /// and in npm tarballs, hence the length limits, the character set and the reserved names.
    static func pathProblem(_ path: String) -> String? {
        let length = path.utf8.count
        guard length <= 155 else { return "package path must be at most 155 characters long, but is \(length) characters long" }
        guard path.hasPrefix("/") else { return "package path must be prefixed with a slash" }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if segment.isEmpty {
                return index == segments.count - 1
                    ? "package path must not end with a slash" : "package path must not contain empty components"
            }
            if segment == "." || segment == ".." { return "package path must not contain dot segments like '.' or '..'" }
            if let problem = segment.unicodeScalars.lazy.compactMap(characterProblem).first { return problem }
            if segment.hasSuffix(".") { return "path segment must not end in a dot (found '\(segment)')" }
            let basename = segment.lastIndex(of: ".").map { segment[..<$0] } ?? segment
            if windowsReservedNames.contains(asciiLowercased(String(basename))) {
                return "package path must not contain windows reserved names like 'CON' or 'PRN' (found '\(segment)')"
            }
            if index == 0 && asciiLowercased(String(segment)) == "_dist" {
                return "package path must not start with /_dist/, as this is the directory JSR will emit .d.ts and .js files to when building the npm tarball"
            }
        }
        if let last = segments.last, last.utf8.count > 95 {
            return "the last path component must be at most 95 characters long, but is \(last.utf8.count) characters long"
        }
        return nil
    }

    /// ASCII letters and digits plus `$()+-.@[]_{}~` are allowed; the message names the class of anything else.
    private static func characterProblem(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "$", "(", ")", "+", "-", ".", "@", "[", "]", "_", "{", "}", "~":
            return nil
        case "\\", ":":
            return "package path must not contain windows path separators like '\\' or ':' (found '\(scalar)')"
        case "<", ">", "\"", "|", "?", "*":
            return "package path must not contain windows reserved characters like '<', '>', '\"', '|', '?', or '*' (found '\(scalar)')"
        case " ", "\t", "\n", "\r":
            return "package path must not contain whitespace (found '\(scalar.escaped(asASCII: true))')"
        case "%", "#":
            return "package path must not contain special URL characters (found '\(scalar)')"
        default:
            return "package path must not contain invalid characters (found '\(scalar.escaped(asASCII: true))')"
        }
    }

    private static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    // MARK: - Config file

    /// Reads the config (JSONC, as jsr.io does for `jsr.json` and `deno.json`) and returns its exports in file order.
    private static func checkConfig(
        files: [(path: String, bytes: [UInt8])],
        configPath: String,
        expectedName: String,
        expectedVersion: String
    ) throws(JSRTaskError) -> [(key: String, target: String)] {
        guard let bytes = files.first(where: { $0.path == configPath })?.bytes else {
            throw JSRTaskError("missingConfigFile", "missing config file '\(configPath)', is it perhaps excluded from publishing?")
        }
        func invalid(_ why: String) -> JSRTaskError {
            JSRTaskError("invalidConfigFile", "invalid config file '\(configPath)': \(why)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw invalid("the file is not valid UTF-8") }
        let config: JSONValue
        do {
            config = try JSONValue.parse(text, dialect: .jsonc)
        } catch {
            throw invalid("\(error.message) at line \(error.line) column \(error.column)")
        }
        guard case .object = config else { throw invalid("the config must be a JSON object") }

        guard let nameValue = config["name"] else { throw invalid("missing field 'name'") }
        guard case .string(let configName) = nameValue else { throw invalid("'name' must be a string, got \(nameValue.display)") }
        guard configName == expectedName else {
            throw JSRTaskError("configFileNameMismatch",
                               "package name specified during publish does not match name in config file '\(configPath)', expected \(expectedName), got \(configName)")
        }
        switch config["version"] {
        case nil, .null?:
            break
        case .string(let configVersion)?:
            guard configVersion == expectedVersion else {
                throw JSRTaskError("configFileVersionMismatch",
                                   "version specified during publish does not match version in config file '\(configPath)', expected \(expectedVersion), got \(configVersion)")
            }
        case let other?:
            throw invalid("'version' must be a string, got \(other.display)")
        }

        return try exportsList(config["exports"], files: files, configPath: configPath)
    }

    /// jsr.io's exports rules: a string (the root export) or an object of `"."`/`"./sub"` keys to `./file.ext`
    /// targets that exist in the package.
    private static func exportsList(
        _ value: JSONValue?,
        files: [(path: String, bytes: [UInt8])],
        configPath: String
    ) throws(JSRTaskError) -> [(key: String, target: String)] {
        func invalid(_ why: String) -> JSRTaskError {
            JSRTaskError("configFileExportsInvalid", "invalid 'exports' field in config file '\(configPath)': \(why)")
        }
        var exports: [(key: String, target: String)] = []
        switch value {
        case nil, .null?:
            break
        case .string(let target)?:
            if let problem = exportTargetProblem(target, for: "the root export") { throw invalid(problem) }
            exports = [(".", target)]
        case .object(let members)?:
            for (key, member) in members {
                if let problem = exportKeyProblem(key) { throw invalid(problem) }
                guard case .string(let target) = member else {
                    throw invalid("export '\(key)' must be a string, invalid value: '\(member.display)'")
                }
                if let problem = exportTargetProblem(target, for: "export '\(key)'") { throw invalid(problem) }
                exports.append((key, target))
            }
        case .array?, .bool?, .number?:
            throw invalid("'exports' field must be a string or an object")
        }
        guard !exports.isEmpty else { throw invalid("exports config must have at least one entry") }

        let paths = Set(files.map(\.path))
        for (key, target) in exports {
            let path = String(target.dropFirst())
            if let problem = pathProblem(path) {
                throw JSRTaskError("invalidPath", "path '\(path)' is invalid: \(problem)")
            }
            guard paths.contains(path) else {
                throw invalid("export '\(key)' references entrypoint '\(path)' which does not exist")
            }
        }
        return exports
    }

    private static func exportKeyProblem(_ key: String) -> String? {
        if key == "." { return nil }
        guard key.hasPrefix("./") else {
            let suggestion = key.hasPrefix("/") ? ".\(key)" : "./\(key)"
            return "the key '\(key)' must start with a ./, did you mean '\(suggestion)'?"
        }
        guard !key.hasSuffix("/") else {
            var suggestion = Substring(key)
            while suggestion.hasSuffix("/") { suggestion = suggestion.dropLast() }
            return "the key '\(key)' must not end with '/', did you mean '\(suggestion)'?"
        }
        let allowed = key.unicodeScalars.allSatisfy {
            switch $0 {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", "/", ".": true
            default: false
            }
        }
        guard allowed else {
            return "the key '\(key)' contains invalid characters, only [a-z][A-Z][0-9]-_/. are allowed"
        }
        let parts = key.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if parts.contains(where: { $0.isEmpty || $0.allSatisfy { $0 == "." } }) {
            return "the key '\(key)' must not contain double slashes (//) or parts entirely of dots (.)."
        }
        return nil
    }

    private static func exportTargetProblem(_ target: String, for what: String) -> String? {
        guard !target.isEmpty else { return "the path for \(what) must be a non-empty relative path" }
        guard target.hasPrefix("./") else {
            return "the path '\(target)' for \(what) could not be resolved as a relative path from the config file, did you mean './\(target)'?"
        }
        let lastSegment = target.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard !target.hasSuffix("/"), lastSegment.contains(".") else {
            return "the path '\(target)' for \(what) must not end in / and must have a file extension"
        }
        return nil
    }
}
