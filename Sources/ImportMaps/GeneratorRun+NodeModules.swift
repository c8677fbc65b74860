import Foundation
import JSON

/// The `nodemodules` provider in a generation (JSPM's `providers/nodemodules.ts`): a package is the
/// folder Node's lookup finds, its version read from its package.json, its modules and files read
/// from the disk; its dependencies' mappings start in its own scope and `flattenDiskScopes` then
/// shares them, as @jspm/import-map's `flatten` does for scopes on the map's own origin.
extension GeneratorRun {
    /// Whether `name` is looked up on disk: the `nodemodules` provider serves it.
    func isOnDisk(_ name: String) -> Bool {
        nodeModules != nil && providers.provider(forName: name) == .nodeModules
    }

    /// JSPM's `resolveLatestTarget` for nodemodules: the nearest `node_modules/NAME` above the
    /// importer's folder (`scope`), or above the baseUrl for a top-level install. As in JSPM, the
    /// range is not checked: the copy Node would load is the one mapped. Two folders holding the same
    /// name and version map to the first one found (JSPM keys packages by folder).
    mutating func chooseOnDisk(_ name: String, label: String, importedFrom: String?, scope: String?) throws(ImportMapError) -> PackageID {
        guard let nodeModules else { throw ImportMapError(.invalid, "provider nodemodules is refused over HTTP: only wharf generate reads the local disk") }
        let from = scope.flatMap { $0.hasPrefix("file:") ? $0 : nil } ?? nodeModules.base
        guard let folder = nodeModules.folder(of: name, from: from) else {
            throw ImportMapError(.notFound, "Unable to resolve npm:\(label) to a valid version: no node_modules/\(name) in \(from) or a folder above it"
                + (importedFrom.map { " (imported from \(relocate($0)))" } ?? ""))
        }
        if let known = nodeBases.first(where: { $0.value == folder })?.key { return known }
        let bytes: [UInt8]
        do { bytes = try nodeModules.read(folder + "package.json") } catch { throw ImportMapError(.notFound, "\(folder) has no package.json") }
        guard let json = try? JSONValue.parse(bytes) else { throw ImportMapError(.invalid, "\(folder)package.json is not JSON") }
        // A package.json without a semver version still names a package: its folder identifies it.
        guard let package = json["version"]?.stringValue.flatMap({ PackageID(name: name, version: $0) }) ?? PackageID(name: name, version: "0.0.0") else {
            throw ImportMapError(.invalid, "node_modules/\(name) is not an npm package name")
        }
        if nodeBases[package] == nil {
            nodeBases[package] = folder
            if manifests[package] == nil { manifests[package] = PackageManifest(json: json) }
        }
        return package
    }

    /// The package of a `file:` URL: the one whose folder is the longest prefix of it, and the file.
    func locateOnDisk(_ url: String) -> (PackageID, String)? {
        var best: (package: PackageID, folder: String)?
        for (package, folder) in nodeBases where url.hasPrefix(folder) && folder.count > (best?.folder.count ?? 0) {
            best = (package, folder)
        }
        return best.map { ($0.package, String(url.dropFirst($0.folder.count))) }
    }

    /// @jspm/import-map's `flatten` for scopes on the disk (the map's origin): each scope's mappings
    /// move to the folder every such scope shares, unless one there differs; a mapping `imports`
    /// already has is dropped. JSPM walks scopes in trace order, Wharf in URL order.
    mutating func flattenDiskScopes() {
        let local = scopes.keys.filter { $0.hasPrefix("file:") }.sorted()
        guard var common = local.first else { return }
        for scope in local.dropFirst() { common = Self.commonBase(common, scope) }
        var imported: [String: String] = [:]
        for (key, url) in imports where imported[key] == nil { imported[key] = url }
        for scope in local {
            guard var members = scopes[scope] else { continue }
            var shared: [String: String]? = scope == common ? nil : scopes[common] ?? [:]
            for (name, target) in members.sorted(by: { $0.key < $1.key }) {
                if imported[name] == target {
                    members[name] = nil
                } else if let existing = shared?[name], existing != target {
                    continue
                } else if shared != nil {
                    shared?[name] = target
                    members[name] = nil
                }
            }
            if let shared, !shared.isEmpty { scopes[common] = shared }
            scopes[scope] = members.isEmpty ? nil : members
        }
    }

    /// import-map's `getCommonBase`: one URL when it is a prefix of the other, else the segments both
    /// start with, ending in `/`.
    static func commonBase(_ a: String, _ b: String) -> String {
        if a.hasPrefix(b) { return b }
        if b.hasPrefix(a) { return a }
        let left = a.split(separator: "/", omittingEmptySubsequences: false), right = b.split(separator: "/", omittingEmptySubsequences: false)
        let shared = zip(left, right).prefix { $0 == $1 }.map(\.0)
        return shared.joined(separator: "/") + "/"
    }
}
