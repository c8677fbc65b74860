import JSON
import Registry
import Semver
import URLLayout

/// The JSR side of one generation: versions chosen from Wharf's JSR registry (the lock rule, as for
/// npm), their exports from `_meta.json`, and their `/@scope/name/version/…` URLs.
struct JSRInstalls {
    let jsr: JSRRegistry?
    let urls: WharfURLs
    /// Versions chosen so far, by `@scope/name`.
    var chosen: [String: [Version]] = [:]
    var exportTables: [PackageRef: [(String, String)]] = [:]

    /// A version of a JSR package.
    struct PackageRef: Hashable, Sendable {
        var scope: String
        var name: String
        var version: Version
        var label: String { "@\(scope)/\(name)@\(version)" }
    }

    func base(_ ref: PackageRef) -> String { urls.jsrPackage(scope: ref.scope, name: ref.name, version: ref.version.description) }

    /// The lock rule as for npm: a version already chosen in range, else the highest non-yanked match.
    mutating func choose(_ fullName: String, range: String?) throws(ImportMapError) -> PackageRef {
        let label = "jsr:\(fullName)\(range.map { "@\($0)" } ?? "")"
        guard let jsr else { throw ImportMapError(.notFound, "Unable to resolve \(label): this Wharf has no JSR registry") }
        let parts = fullName.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard fullName.hasPrefix("@"), parts.count == 2 else { throw ImportMapError(.invalid, "'\(fullName)' is not a JSR package name (@scope/name)") }
        let scope = String(parts[0]), name = String(parts[1])
        if let range, let parsed = try? Semver.Range(range), let existing = chosen[fullName]?.first(where: { parsed.satisfies($0) }) {
            return PackageRef(scope: scope, name: name, version: existing)
        }
        let published: [JSRPackageVersion]
        do {
            published = try jsr.packages.versions(of: name, in: scope)
        } catch {
            throw ImportMapError(error.kind == .internalServerError ? .upstream : .notFound, "Unable to resolve \(label): \(error.message)")
        }
        // Yanked versions are only chosen when asked for exactly, as jsr.io resolves them.
        let usable = published.filter { !$0.yanked || $0.version == range }.compactMap { Version($0.version) }
        let latest = usable.filter { !$0.isPrerelease }.max()
        let versions = VersionCatalog.Versions(all: usable, distTags: latest.map { ["latest": $0.description] } ?? [:])
        guard let version = VersionCatalog.pick(range, from: versions) else {
            throw ImportMapError(.notFound, "Unable to resolve \(label) to a valid version")
        }
        if !(chosen[fullName]?.contains(version) ?? false) { chosen[fullName, default: []].append(version) }
        return PackageRef(scope: scope, name: name, version: version)
    }

    /// The URL of an export (`.` or `./x`) of a JSR version; only JavaScript can go in a browser map.
    mutating func entry(_ ref: PackageRef, subpath: String) throws(ImportMapError) -> String {
        let exports = try exports(ref)
        guard let target = exports.first(where: { $0.0 == subpath })?.1 else {
            throw ImportMapError(.notFound, "\(ref.label) does not export \(subpath)")
        }
        let file = target.hasPrefix("./") ? String(target.dropFirst(2)) : target
        guard file.hasSuffix(".js") || file.hasSuffix(".mjs") else {
            throw ImportMapError(.invalid, "\(ref.label) exports \(subpath) as \(target), which a browser cannot load; publish JavaScript to import it through a map")
        }
        return base(ref) + file
    }

    mutating func exports(_ ref: PackageRef) throws(ImportMapError) -> [(String, String)] {
        if let known = exportTables[ref] { return known }
        let bytes: [UInt8]
        do {
            guard let jsr else { throw ImportMapError(.notFound, "no JSR registry") }
            bytes = try jsr.packages.versionMetaDocument(scope: ref.scope, name: ref.name, version: ref.version.description)
        } catch let error as JSRError {
            throw ImportMapError(.notFound, "\(ref.label): \(error.message)")
        } catch {
            throw ImportMapError(.notFound, "\(ref.label): \(error)")
        }
        guard let exports = (try? JSONValue.parse(bytes))?["exports"]?.objectMembers else {
            throw ImportMapError(.upstream, "\(ref.label) has an unreadable _meta.json")
        }
        let table = exports.compactMap { key, value in value.stringValue.map { (key, $0) } }
        exportTables[ref] = table
        return table
    }

    /// The JSR version and file a module URL of Wharf's JSR registry belongs to.
    func locate(_ url: String) -> (PackageRef, String)? {
        guard let file = urls.jsrFile(url), let version = Version(file.version) else { return nil }
        return (PackageRef(scope: file.scope, name: file.name, version: version), file.file)
    }
}
