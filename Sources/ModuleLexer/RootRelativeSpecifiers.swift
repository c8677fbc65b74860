/// Rewrites a module's root-relative specifiers (`"/stable/react@18.2.0/react.mjs"`) into relative
/// ones (`"./stable/react@18.2.0/react.mjs"`), so that the module still finds its imports when it is
/// served under a prefix (Wharf's `/cdn/{host}/`, an exported folder at any base). Only the
/// specifiers' bytes change; everything else of the source is kept byte for byte.
public enum RootRelativeSpecifiers {
    /// The rewritten source, or nil when it has no root-relative specifier (or does not lex).
    /// `modulePath` is the module's own path on its host, percent-encoded, starting with `/`.
    public static func relativize(_ source: [UInt8], modulePath: String) -> [UInt8]? {
        guard source.contains(UInt8(ascii: "/")), let summary = try? ModuleLexer.parse(source) else { return nil }
        var replacements: [(Range<Int>, String)] = []
        for record in summary.imports where record.kind != .importMeta {
            guard let specifier = record.specifier, isRootRelative(specifier),
                  let relative = relativePath(from: modulePath, to: specifier),
                  // The new text goes between the original quotes unescaped: keep to plain path characters.
                  !relative.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "`") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "$") })
            else { continue }
            replacements.append((record.range, relative))
        }
        guard !replacements.isEmpty else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(source.count + replacements.count * 8)
        var cursor = 0
        for (range, text) in replacements.sorted(by: { $0.0.lowerBound < $1.0.lowerBound }) where range.lowerBound >= cursor {
            output += source[cursor..<range.lowerBound]
            output += text.utf8
            cursor = range.upperBound
        }
        output += source[cursor...]
        return output
    }

    /// `/x`, not `//host/x` (protocol-relative) and not `/` alone.
    static func isRootRelative(_ specifier: String) -> Bool {
        specifier.hasPrefix("/") && !specifier.hasPrefix("//") && specifier.count > 1
    }

    /// The relative URL that resolves, against `base` (a path), to `target` (a path with an optional
    /// query or fragment): `./b.js`, `../../v135/dep.mjs`.
    static func relativePath(from base: String, to target: String) -> String? {
        guard base.hasPrefix("/"), target.hasPrefix("/") else { return nil }
        let suffixStart = target.firstIndex { $0 == "?" || $0 == "#" } ?? target.endIndex
        let targetPath = target[..<suffixStart], suffix = target[suffixStart...]
        var directory = base.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        directory.removeLast()  // the module's own file name
        let segments = targetPath.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        // Keep the last target segment (the file, or "" for a directory) out of the common prefix.
        var common = 0
        while common < directory.count, common < segments.count - 1, directory[common] == segments[common] { common += 1 }
        let ups = directory.count - common
        let rest = segments[common...].joined(separator: "/")
        // Always `./` or `../` first: a bare `npm:x/y.js` would read as a URL with a scheme.
        let prefix = ups == 0 ? "./" : String(repeating: "../", count: ups)
        return prefix + rest + suffix
    }
}
