import JSON
import Semver

/// JSPM's `deno` provider (generator 2.16.3 src/providers/deno.ts): modules of deno.land/x
/// (`denoland:name@version`) at `https://deno.land/x/name@version/` and of deno's standard library
/// (`deno:module`) at `https://deno.land/std@version/`. deno.land keeps no package.json for std, so
/// its exports are synthesized here as JSPM's `getPackageConfig` does.
struct DenoInstalls: Sendable {
    static let host = "deno.land"
    static let root = "https://deno.land/"

    /// A version of a deno.land/x module (`name`) or of std (`name` nil).
    struct PackageRef: Hashable, Sendable {
        var name: String?
        /// As deno.land's URLs write it: `v12.6.1` where the module's tags carry a `v`.
        var version: String
        var label: String { name.map { "denoland:\($0)@\(version)" } ?? "deno:std@\(version)" }
    }

    /// The version chosen for each name (`""`: std), so a lookup of the latest happens once.
    var chosen: [String: String] = [:]
    /// Modules whose tags carry a `v`: JSPM's `vCache`, set by every deno.land URL it parses.
    var vTagged: Set<String> = []
    /// The package.json of deno.land/x versions that have one (nil: none).
    var manifests: [PackageRef: PackageManifest?] = [:]

    func base(_ ref: PackageRef) -> String {
        ref.name.map { Self.root + "x/\($0)@\(ref.version)/" } ?? Self.root + "std@\(ref.version)/"
    }

    /// What deno.land redirects to its latest version (deno.ts `resolveLatestTarget`).
    static func latestLookup(_ name: String?) -> String {
        name.map { root + "x/\($0)/mod.ts" } ?? root + "std/version.ts"
    }

    /// JSPM looks up only exact versions; every other range is "the latest" (deno.ts converts them
    /// to wildcards, "since we don't have an actual semver lookup"). A leading `v` is kept.
    static func exactVersion(_ range: String?) -> String? {
        guard let range, !range.isEmpty else { return nil }
        return Version(range.hasPrefix("v") ? String(range.dropFirst()) : range) != nil ? range : nil
    }

    /// Records a version as chosen; an exact version without its `v` gets one where the module's
    /// deno.land URLs have shown it (as `pkgToUrl` writes `@v` from `vCache`).
    mutating func use(_ name: String?, version: String) -> PackageRef {
        var version = version
        if let name {
            if version.hasPrefix("v") { vTagged.insert(name) } else if vTagged.contains(name) { version = "v" + version }
        }
        if chosen[name ?? ""] == nil { chosen[name ?? ""] = version }
        return PackageRef(name: name, version: version)
    }

    /// The version and file a deno.land URL names (deno.ts `parseUrlPkg`), nil for other URLs.
    static func locate(_ url: String) -> (PackageRef, file: String)? {
        guard url.hasPrefix(root) else { return nil }
        var rest = url.dropFirst(root.count)
        let name: String?
        if rest.hasPrefix("std@") {
            name = nil
            rest = rest.dropFirst(4)
        } else if rest.hasPrefix("x/"), let at = rest.firstIndex(of: "@"), !rest[rest.index(rest.startIndex, offsetBy: 2)..<at].contains("/") {
            name = String(rest[rest.index(rest.startIndex, offsetBy: 2)..<at])
            rest = rest[rest.index(after: at)...]
        } else {
            return nil
        }
        let versionEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard versionEnd > rest.startIndex, name?.isEmpty != true else { return nil }
        return (PackageRef(name: name, version: String(rest[..<versionEnd])), String(rest[versionEnd...].dropFirst()))
    }

    /// The std export a `deno:` target asks for: its module folder, then its subpath
    /// (`deno:testing/asserts` → `./testing/asserts`), as 2.5.1's `installSubpath` combined them.
    static func stdSubpath(module: String, subpath: String) -> String {
        "./" + module + (subpath == "." ? "" : subpath.dropFirst())
    }

    /// The std modules JSPM synthesizes exports for (deno.ts `getPackageConfig`); others are not exported.
    static let stdModules = [
        "archive", "async", "bytes", "collection", "crypto", "datetime", "dotenv", "encoding", "examples", "flags",
        "fmt", "fs", "hash", "http", "io", "log", "media_types", "node", "path", "permissions", "signal", "streams",
        "testing", "textproto", "uuid", "wasi",
    ]

    /// std's synthesized package.json: `./mod` → `./mod/mod.ts`, `./mod/*.ts` and `./mod/*` →
    /// `./mod/*.ts`, and `./version`. (2.16.3 writes `./wasi/*` → `./wasi*.ts`, a missing slash;
    /// Wharf writes the folder as for every other module.)
    static let stdManifest: PackageManifest = {
        var exports: [(String, JSONValue)] = []
        for module in stdModules {
            exports.append(("./\(module)", .string("./\(module)/mod.ts")))
            exports.append(("./\(module)/*.ts", .string("./\(module)/*.ts")))
            exports.append(("./\(module)/*", .string("./\(module)/*.ts")))
        }
        exports.append(("./version", .string("./version.ts")))
        exports.append(("./version.ts", .string("./version.ts")))
        return PackageManifest(json: .object([("exports", .object(exports))]))
    }()

    /// The files JSPM's `legacyMainResolve` tries, in order, for the `.` of a package without
    /// `exports` (`mod.ts` first on deno.land, which keeps no package.json for most modules).
    static func mainCandidates(_ main: String?) -> [String] {
        guard let main, !main.isEmpty else { return ["mod.ts", "index.js", "index.json"] }
        let path = main.hasPrefix("./") ? String(main.dropFirst(2)) : main
        if path.hasSuffix("index.js") { return [path] }
        return [path + "/index.js", path + "/index.json", path, path + ".js", path + ".json"]
    }
}
