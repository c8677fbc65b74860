import JSON
import Registry
import Semver

/// `jsr:` installs: packages of Wharf's JSR registry, mapped to its `/@scope/name/version/…` URLs.
/// Their exports come from `_meta.json`; their `jsr:` and `npm:` imports are mapped as written
/// (an import map can map any URL-like specifier), in the importing package's scope on conflict.
extension GeneratorRun {
    /// A version of a JSR package.
    struct JSRPackageRef: Hashable, Sendable {
        var scope: String
        var name: String
        var version: Version
        var label: String { "@\(scope)/\(name)@\(version)" }
    }

    func jsrBase(_ ref: JSRPackageRef) -> String { urls.jsrPackage(scope: ref.scope, name: ref.name, version: ref.version.description) }

    /// The lock rule as for npm: a version already chosen in range, else the highest non-yanked match.
    mutating func chooseJSR(_ fullName: String, range: String?) throws(ImportMapError) -> JSRPackageRef {
        let label = "jsr:\(fullName)\(range.map { "@\($0)" } ?? "")"
        guard let jsr else { throw ImportMapError(.notFound, "Unable to resolve \(label): this Wharf has no JSR registry") }
        let parts = fullName.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard fullName.hasPrefix("@"), parts.count == 2 else { throw ImportMapError(.invalid, "'\(fullName)' is not a JSR package name (@scope/name)") }
        let scope = String(parts[0]), name = String(parts[1])
        if let range, let parsed = try? Semver.Range(range), let existing = chosenJSR[fullName]?.first(where: { parsed.satisfies($0) }) {
            return JSRPackageRef(scope: scope, name: name, version: existing)
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
        if !(chosenJSR[fullName]?.contains(version) ?? false) { chosenJSR[fullName, default: []].append(version) }
        return JSRPackageRef(scope: scope, name: name, version: version)
    }

    /// The URL of an export (`.` or `./x`) of a JSR version; only JavaScript can go in a browser map.
    mutating func jsrEntry(_ ref: JSRPackageRef, subpath: String) throws(ImportMapError) -> String {
        let exports = try jsrExports(ref)
        guard let target = exports.first(where: { $0.0 == subpath })?.1 else {
            throw ImportMapError(.notFound, "\(ref.label) does not export \(subpath)")
        }
        let file = target.hasPrefix("./") ? String(target.dropFirst(2)) : target
        guard file.hasSuffix(".js") || file.hasSuffix(".mjs") else {
            throw ImportMapError(.invalid, "\(ref.label) exports \(subpath) as \(target), which a browser cannot load; publish JavaScript to import it through a map")
        }
        return jsrBase(ref) + file
    }

    mutating func jsrExports(_ ref: JSRPackageRef) throws(ImportMapError) -> [(String, String)] {
        if let known = jsrExportTables[ref] { return known }
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
        jsrExportTables[ref] = table
        return table
    }

    /// The JSR version and file a module URL of Wharf's JSR registry belongs to.
    func jsrLocate(_ url: String) -> (JSRPackageRef, String)? {
        guard let file = urls.jsrFile(url), let version = Version(file.version) else { return nil }
        return (JSRPackageRef(scope: file.scope, name: file.name, version: version), file.file)
    }

    /// A specifier in a JSR module: `jsr:` and `npm:` ones are chosen and mapped; other bare
    /// specifiers would need the package's own import map, which JSR packages cannot ship to browsers.
    mutating func resolveInJSR(_ specifier: String, importer: JSRPackageRef) async throws(ImportMapError) -> String {
        let target: String
        if specifier.hasPrefix("jsr:") {
            let parsed = try InstallTarget.parse(specifier)
            target = try jsrEntry(try chooseJSR(parsed.name, range: parsed.range), subpath: parsed.subpath)
        } else if specifier.hasPrefix("npm:") {
            let parsed = try InstallTarget.parse(specifier)
            let label = parsed.range.map { "\(parsed.name)@\($0)" } ?? parsed.name
            target = try await entry(try await choose(parsed.name, range: parsed.range, label: label), subpath: parsed.subpath)
        } else {
            throw ImportMapError(.notFound, "\(importer.label) imports '\(specifier)'; JSR packages must import jsr: or npm: specifiers to be mapped")
        }
        record(specifier, target: target, shared: urls.root, own: jsrBase(importer))
        return target
    }
}
