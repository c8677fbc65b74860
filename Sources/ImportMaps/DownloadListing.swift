import EdgeCache
import Foundation
import JSON
import ModuleLexer
import NIOCore
import Registry
import Storage

/// A package's files as the jspm.io download API lists them: a root URL and paths relative to it.
public struct PackageListing: Sendable, Equatable {
    public var pkgUrl: String
    public var files: [String]
}

/// What `exclude` may drop from a listing.
public enum ListingExclusion: String, Sendable, CaseIterable {
    case unused, types, sourcemaps, readme, license

    func drops(_ file: String) -> Bool {
        let name = (file.split(separator: "/").last.map(String.init) ?? file).lowercased()
        switch self {
        case .types: return name.hasSuffix(".d.ts") || name.hasSuffix(".d.mts") || name.hasSuffix(".d.cts")
        case .sourcemaps: return name.hasSuffix(".map")
        case .readme: return name.hasPrefix("readme")
        case .license: return name.hasPrefix("license") || name.hasPrefix("licence")
        case .unused: return false
        }
    }
}

/// Download listings: for the CDN providers asked of the `api.jspm.io` upstream through the edge
/// cache (an exact version's listing never changes, so it is kept for good); for `local`, read from
/// what the store holds.
public struct DownloadListings: Sendable {
    public let cache: EdgeCache
    public let publicURL: String
    /// Packages published to Wharf's own Eik registry (`/npm/…`), listed by the `local` provider.
    public let registry: EikRegistry?

    public init(cache: EdgeCache, publicURL: String, registry: EikRegistry? = nil) {
        self.cache = cache
        self.publicURL = publicURL
        self.registry = registry
    }

    public func listing(_ package: PackageID, provider: Provider, exclude: Set<ListingExclusion> = []) async throws(ImportMapError) -> PackageListing {
        var listing = switch provider {
        case .local: try localListing(package)
        case .esmSh: throw ImportMapError(.invalid, "esm.sh has no download listing")
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
        let manifestBytes = try await Self.fetch(try Self.address(base + "package.json", cache: cache), from: cache).bytes
        guard let json = try? JSONValue.parse(manifestBytes) else { throw ImportMapError(.upstream, "\(package) has an unreadable package.json") }
        var used: Set<String> = ["package.json"]
        var queue = Array(PackageEntryResolver.allEntryFiles(of: PackageManifest(json: json), files: files))
        while let file = queue.popLast() {
            guard used.insert(file).inserted, file.hasSuffix(".js") || file.hasSuffix(".mjs") || file.hasSuffix(".cjs") else { continue }
            let bytes = try await Self.fetch(try Self.address(base + file, cache: cache), from: cache).bytes
            guard let summary = try? ModuleLexer.parse(bytes), let fileURL = URL(string: base + file) else { continue }
            for specifier in summary.staticSpecifiers + summary.dynamicSpecifiers where specifier.hasPrefix("./") || specifier.hasPrefix("../") {
                guard let resolved = URL(string: specifier, relativeTo: fileURL)?.absoluteString, resolved.hasPrefix(base) else { continue }
                let relative = String(resolved.dropFirst(base.count))
                if let found = PackageEntryResolver.search("./" + relative, { files.contains(String($0.dropFirst(2))) }) {
                    queue.append(String(found.dropFirst(2)))
                }
            }
        }
        return Array(used)
    }

    /// The cache address of an absolute URL, checked as a `/cdn/` request is (allowlist, path rules;
    /// the query kept only where the host needs it). Every URL the ImportMaps target fetches comes here.
    static func address(_ url: String, cache: EdgeCache) throws(ImportMapError) -> CacheAddress {
        guard let components = URLComponents(string: url), let host = components.host else { throw ImportMapError(.upstream, "unusable URL \(url)") }
        do {
            return try CacheAddress.parse(Substring(host + components.percentEncodedPath), query: components.percentEncodedQuery, upstreams: cache.configuration.upstreams)
        } catch {
            throw ImportMapError(.upstream, "\(url) refused: \(error.message)")
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
        guard !cache.configuration.offline else { return }
        _ = try? await cache.forward(CacheAddress(host: "api.jspm.io", path: "/build/\(package)", query: nil))
    }

    /// `api.jspm.io/download/name@version?provider=…`, through the edge cache.
    private func upstreamListing(_ package: PackageID, provider: Provider) async throws(ImportMapError) -> PackageListing {
        let address = CacheAddress(host: "api.jspm.io", path: "/download/\(package)", query: "provider=\(provider.rawValue)")
        let bytes = try await Self.fetch(address, from: cache).bytes
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
        if let registry, let name = try? PackageName(package.name),
           let record = try? registry.version(type: .npm, name: name, version: package.version.description) {
            return PackageListing(
                pkgUrl: "\(publicURL)/npm/\(package.name)/\(package.version)/",
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
        return PackageListing(pkgUrl: "\(publicURL)/cdn/\(prefix)", files: files)
    }

    /// A whole body from the edge cache (read to the end, so a miss is stored completely), and
    /// whether it was already stored. An upstream 404 is `notFound`; any other non-200 fails.
    /// The bytes are what Wharf serves, or with `original` the upstream's (they differ for
    /// relinked modules).
    static func fetch(_ address: CacheAddress, from cache: EdgeCache, original: Bool = false) async throws(ImportMapError) -> (bytes: [UInt8], wasStored: Bool, contentType: String?) {
        do {
            let response = try await cache.lookup(address)
            switch response.entry.status {
            case 200: break
            case 404: throw ImportMapError(.notFound, "\(address) was not found upstream")
            default: throw ImportMapError(.upstream, "\(address) answered \(response.entry.status)")
            }
            let bytes = try await Self.collect(original ? response.original : response.body, blobs: cache.blobs)
            return (bytes, response.source == .hit || response.source == .stale, response.entry.contentType)
        } catch let error as ImportMapError {
            throw error
        } catch let error as EdgeCacheError {
            throw ImportMapError(error.reason == .offlineMiss ? .offline : .upstream, error.message)
        } catch {
            throw ImportMapError(.upstream, "\(address): \(error)")
        }
    }

    static func collect(_ body: CacheBody, blobs: BlobStore) async throws -> [UInt8] {
        switch body {
        case .none: return []
        case .stored(let ref, let preloaded):
            if let preloaded { return Array(preloaded.readableBytesView) }
            var bytes: [UInt8] = []
            for try await buffer in StoredBody(blobs: blobs, ref: ref) { bytes += buffer.readableBytesView }
            return bytes
        case .live(let live):
            var bytes: [UInt8] = []
            for try await buffer in live { bytes += buffer.readableBytesView }
            return bytes
        }
    }
}
