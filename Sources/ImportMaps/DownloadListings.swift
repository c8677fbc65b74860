import EdgeCache
import Foundation
import JSON
import ModuleLexer
import Registry

/// Download listings: for the CDN providers asked of the `api.jspm.io` upstream through the edge
/// cache (an exact version's listing never changes, so it is kept for good); for `local`, read from
/// what the store holds.
public struct DownloadListings: Sendable {
    public let fetcher: ModuleFetcher
    var cache: EdgeCache { fetcher.cache }

    public init(fetcher: ModuleFetcher) {
        self.fetcher = fetcher
    }

    public func listing(_ package: PackageID, provider: Provider, exclude: Set<ListingExclusion> = []) async throws(ImportMapError) -> PackageListing {
        var listing = switch provider {
        case .local: try localListing(package)
        case .esmSh, .deno: throw ImportMapError(.invalid, "\(provider.host) has no download listing")
        default: try await upstreamListing(package, provider: provider)
        }
        if exclude.contains(.unused) { listing.files = try await usedFiles(of: listing, package: package) }
        listing.files = listing.files.filter { file in !exclude.contains { $0.drops(file) } }.sorted()
        return listing
    }

    /// The files reachable from the package's entry points (every condition of `exports`, or the
    /// legacy fields) through relative imports, plus package.json: what `exclude: unused` keeps.
    func usedFiles(of listing: PackageListing, package: PackageID) async throws(ImportMapError) -> [String] {
        let files = Set(listing.files)
        let base = listing.pkgUrl.hasSuffix("/") ? listing.pkgUrl : listing.pkgUrl + "/"
        guard files.contains("package.json") else {
            throw ImportMapError(.upstream, "\(package) lists no package.json; cannot tell which files are used")
        }
        let manifestBytes = try await fetcher.fetch(base + "package.json").bytes
        guard let json = try? JSONValue.parse(manifestBytes) else { throw ImportMapError(.upstream, "\(package) has an unreadable package.json") }
        let entries: [String] = PackageEntryResolver.allEntryFiles(of: PackageManifest(json: json), files: files).sorted()
        var visitor = PackageFiles(fetcher: fetcher, base: base, files: files)
        let walk = try await ModuleGraph.walk(from: entries.map { base + $0 }, visitor: &visitor)
        let used: [String] = walk.all.map { String($0.dropFirst(base.count)) }
        return Array(Set(used + ["package.json"]))
    }

    /// The walk of `usedFiles`: a package's scripts and the files of the listing their relative
    /// imports name, found as Node finds them.
    struct PackageFiles: ModuleGraphVisitor {
        let fetcher: ModuleFetcher
        let base: String
        let files: Set<String>

        func edges(of url: String) async throws(ImportMapError) -> ModuleGraph.Edges {
            guard url.hasSuffix(".js") || url.hasSuffix(".mjs") || url.hasSuffix(".cjs") else { return .init() }
            let bytes = try await fetcher.fetch(url).bytes
            guard let summary = try? ModuleLexer.parse(bytes), let fileURL = URL(string: url) else { return .init() }
            var found: [String] = []
            for specifier in summary.staticSpecifiers + summary.dynamicSpecifiers where specifier.hasPrefix("./") || specifier.hasPrefix("../") {
                guard let resolved = URL(string: specifier, relativeTo: fileURL)?.absoluteString, resolved.hasPrefix(base) else { continue }
                if let file = PackageEntryResolver.search("./" + resolved.dropFirst(base.count), { files.contains(String($0.dropFirst(2))) }) {
                    found.append(base + file.dropFirst(2))
                }
            }
            return .init(statics: found)
        }
    }

    /// Drops the cached files and listings of `package` (the build request's rebuild token).
    public func purge(_ package: PackageID) async throws {
        let maintenance = cache.maintenance
        _ = try await maintenance.purge(prefix: "ga.jspm.io/npm:\(package)/")
        _ = try await maintenance.purge(prefix: "api.jspm.io/download/\(package)?")
    }

    /// Passes a build request on to api.jspm.io when online; its answer does not change ours.
    public func forwardBuild(_ package: PackageID) async {
        guard !fetcher.isOffline else { return }
        _ = try? await cache.forward(CacheAddress(host: "api.jspm.io", path: "/build/\(package)", query: nil))
    }

    /// `api.jspm.io/download/name@version?provider=…`, through the edge cache.
    private func upstreamListing(_ package: PackageID, provider: Provider) async throws(ImportMapError) -> PackageListing {
        let address = CacheAddress(host: "api.jspm.io", path: "/download/\(package)", query: "provider=\(provider.rawValue)")
        let bytes = try await fetcher.fetch(address).bytes
        guard let json = try? JSONValue.parse(bytes), let entry = json["\(package)"] ?? json.objectMembers?.first?.1,
              let pkgUrl = entry["pkgUrl"]?.stringValue, case .array(let items)? = entry["files"]
        else {
            if let json = try? JSONValue.parse(bytes), let error = json["error"]?.stringValue {
                throw ImportMapError(.notFound, "\(package): \(error)")
            }
            throw ImportMapError(.upstream, "api.jspm.io sent an unreadable listing for \(package)")
        }
        return PackageListing(pkgUrl: pkgUrl, files: items.compactMap(\.stringValue))
    }

    /// A package published to Wharf's registry as `npm`, else the files of `package` that the edge
    /// cache holds under ga.jspm.io, as Wharf URLs.
    private func localListing(_ package: PackageID) throws(ImportMapError) -> PackageListing {
        if let registry = fetcher.eik, let name = try? PackageName(package.name),
           let record = try? registry.version(type: .npm, name: name, version: package.version.description) {
            return PackageListing(
                pkgUrl: fetcher.urls.eikNPMPackage(name: package.name, version: package.version.description),
                files: record.files.map { String($0.pathname.dropFirst()) }
            )
        }
        let prefix = "ga.jspm.io/npm:\(package)/"
        let keys: [String]
        do {
            keys = try cache.maintenance.keys(prefix: prefix)
        } catch {
            throw ImportMapError(.upstream, "could not read the store: \(error)")
        }
        let files = keys.map { String($0.dropFirst(prefix.count)) }.filter { !$0.isEmpty }
        guard !files.isEmpty else {
            throw ImportMapError(.notFound, "\(package) has no files in Wharf's store")
        }
        return PackageListing(pkgUrl: fetcher.urls.cdn(prefix), files: files)
    }
}
