import Registry

/// One `install` target of a generate request: `name`, `name@range`, `name@` (latest including
/// prereleases), `name/subpath`, `alias=name@range`, with an optional `npm:` prefix, or
/// `jsr:@scope/name…` for a package of Wharf's JSR registry, or JSPM's deno targets:
/// `denoland:name@version/file.ts` (deno.land/x) and `deno:module/sub` (deno's std).
public struct InstallTarget: Sendable, Equatable {
    /// `deno`: a std module, `name` its folder (`path`); `denoland`: a deno.land/x module.
    public enum Source: Sendable, Equatable { case npm, jsr, deno, denoland }

    public var source: Source = .npm
    /// The import-map key (before the subpath): the alias, or the package name.
    public var alias: String
    public var name: String
    /// The range as written; nil for no `@` at all (the `latest` dist-tag).
    public var range: String?
    /// `.` or `./sub/path`.
    public var subpath: String
    /// JSPM's `subpaths: true`: every subpath the package exports, each its own mapping.
    public var allSubpaths = false

    public var key: String { subpath == "." ? alias : alias + subpath.dropFirst() }

    public static func parse(_ text: String) throws(ImportMapError) -> InstallTarget {
        var rest = Substring(text.trimmingSpaces)
        var alias: String?
        if let equals = rest.firstIndex(of: "=") {
            alias = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
        }
        var source = Source.npm
        if rest.hasPrefix("npm:") { rest = rest.dropFirst(4) }
        if rest.hasPrefix("deno:") { return try stdModule(rest.dropFirst(5), alias: alias, text: text) }
        if rest.hasPrefix("denoland:") {
            source = .denoland
            rest = rest.dropFirst(9)
            guard !rest.hasPrefix("@") else { throw ImportMapError(.invalid, "deno.land/x modules have no scope: \(text)") }
        }
        if rest.hasPrefix("jsr:") {
            source = .jsr
            rest = rest.dropFirst(4)
            guard rest.hasPrefix("@") else { throw ImportMapError(.invalid, "a jsr: install names a scoped package, @scope/name: \(text)") }
        }
        // The name is `@scope/name` or `name`; then `@range` (up to the next `/`), then the subpath.
        let nameEnd: Substring.Index
        if rest.hasPrefix("@") {
            guard let slash = rest.firstIndex(of: "/") else { throw ImportMapError(.invalid, "invalid install target '\(text)'") }
            let after = rest[rest.index(after: slash)...]
            nameEnd = after.firstIndex { $0 == "@" || $0 == "/" } ?? rest.endIndex
        } else {
            nameEnd = rest.firstIndex { $0 == "@" || $0 == "/" } ?? rest.endIndex
        }
        let name = String(rest[..<nameEnd])
        var tail = rest[nameEnd...]
        var range: String?
        if tail.hasPrefix("@") {
            tail = tail.dropFirst()
            let end = tail.firstIndex(of: "/") ?? tail.endIndex
            range = String(tail[..<end])
            tail = tail[end...]
        }
        let subpath = tail.isEmpty ? "." : "." + tail
        guard !name.isEmpty, PackageID(name: name, version: "0.0.0") != nil else {
            throw ImportMapError(.invalid, "invalid package name in install target '\(text)'")
        }
        if let alias, alias.isEmpty || alias.contains(" ") { throw ImportMapError(.invalid, "invalid alias in '\(text)'") }
        return InstallTarget(source: source, alias: alias ?? name, name: name, range: range, subpath: subpath)
    }

    /// `deno:path`, `deno:testing/asserts`, `deno:async/abortable.ts`: a module of std at its latest
    /// version, keyed by the module (`path`, `testing/asserts`), `.ts` dropped, as 2.5.1's deno
    /// `resolveBuiltin` splits it. std takes no version here (JSPM's deno: targets have none).
    private static func stdModule(_ rest: Substring, alias: String?, text: String) throws(ImportMapError) -> InstallTarget {
        let path = rest.hasSuffix(".ts") ? rest.dropLast(3) : rest
        let parts = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let module = parts.first.map(String.init), !module.isEmpty, !path.contains("@"), !path.contains(" "), !path.hasSuffix("/") else {
            throw ImportMapError(.invalid, "invalid deno: target '\(text)': name a std module without a version (deno:path, deno:testing/asserts)")
        }
        if let alias, alias.isEmpty || alias.contains(" ") { throw ImportMapError(.invalid, "invalid alias in '\(text)'") }
        return InstallTarget(source: .deno, alias: alias ?? module, name: module, range: nil, subpath: parts.count == 2 ? "./" + parts[1] : ".")
    }
}
