import EdgeCache
import Foundation
import Registry
import Storage
import URLLayout

/// Every byte the ImportMaps target reads comes through here: CDN URLs through the edge cache
/// (checked as a `/cdn/` request is), Wharf's own URLs from its Eik and JSR registries.
public struct ModuleFetcher: Sendable {
    public let cache: EdgeCache
    public let urls: WharfURLs
    /// Packages published to Wharf's Eik registry as `npm` (they shadow public ones of that name).
    public let eik: EikRegistry?
    /// Wharf's JSR registry, for `jsr:` installs.
    public let jsr: JSRRegistry?
    /// Reads only what the store holds, whatever the cache's own setting (`cache: "offline"`).
    public var offline = false
    /// Further attempts after a fetch fails on the way (JSPM's `fetchRetries`); answers, even
    /// failing ones, are not retried.
    public var retries = 0
    /// Whether this fetcher may reach no upstream: its own setting or the whole cache's.
    var isOffline: Bool { offline || cache.configuration.offline }

    public init(cache: EdgeCache, urls: WharfURLs, eik: EikRegistry? = nil, jsr: JSRRegistry? = nil) {
        self.cache = cache
        self.urls = urls
        self.eik = eik
        self.jsr = jsr
    }

    /// A whole body, whether it was stored before, and its type.
    struct Fetched: Sendable {
        var bytes: [UInt8]
        var wasStored: Bool
        var contentType: String?
    }

    /// The cache address of an absolute URL, checked as a `/cdn/` request is (allowlist, path
    /// rules; the query kept only where the host needs it).
    func address(_ url: String) throws(ImportMapError) -> CacheAddress {
        guard let components = URLComponents(string: url), let host = components.host else { throw ImportMapError(.upstream, "unusable URL \(url)") }
        do {
            return try CacheAddress.parse(Substring(host + components.percentEncodedPath), query: components.percentEncodedQuery, upstreams: cache.configuration.upstreams)
        } catch {
            throw ImportMapError(.upstream, "\(url) refused: \(error.message)")
        }
    }

    /// A whole body from the edge cache (read to the end, so a miss is stored completely). An
    /// upstream 404 is `notFound`; any other non-200 fails. The bytes are what Wharf serves, or
    /// with `original` the upstream's (they differ for relinked modules).
    func fetch(_ address: CacheAddress, original: Bool = false) async throws(ImportMapError) -> Fetched {
        var attempt = 0
        while true {
            do {
                return try await fetchOnce(address, original: original)
            } catch let error as EdgeCacheError where error.kind == .upstreamUnavailable && attempt < retries {
                attempt += 1
            } catch let error as ImportMapError {
                throw error
            } catch let error as EdgeCacheError {
                throw ImportMapError(error.kind == .offlineMiss ? .offline : .upstream, error.message)
            } catch {
                throw ImportMapError(.upstream, "\(address): \(error)")
            }
        }
    }

    private func fetchOnce(_ address: CacheAddress, original: Bool) async throws -> Fetched {
        let response = try await cache.lookup(address, offline: offline)
        switch response.entry.status {
        case 200: break
        case 404: throw ImportMapError(.notFound, "\(address) was not found upstream")
        default: throw ImportMapError(.upstream, "\(address) answered \(response.entry.status)")
        }
        let bytes = try await collect(original ? response.original : response.body)
        return Fetched(bytes: bytes, wasStored: response.source == .hit || response.source == .stale, contentType: response.entry.contentType)
    }

    func fetch(_ url: String, original: Bool = false) async throws(ImportMapError) -> Fetched {
        try await fetch(try address(url), original: original)
    }

    /// The URL that answers `url` with a file, following the upstream's redirects (stored as any
    /// answer is, so offline from the store): how deno.land names the latest version of a module.
    func finalURL(of url: String) async throws(ImportMapError) -> String {
        var current = url
        for _ in 0..<5 {
            let address = try address(current)
            let response: CacheResponse
            do {
                response = try await cache.lookup(address, offline: offline)
            } catch {
                throw ImportMapError(error.kind == .offlineMiss ? .offline : .upstream, error.message)
            }
            switch response.entry.status {
            case 200:
                // Read to the end, so that a miss is stored whole.
                do { _ = try await collect(response.body) } catch { throw ImportMapError(.upstream, "\(address): \(error)") }
                return current
            case 301, 302, 303, 307, 308:
                guard let location = response.entry.location, let target = WharfURLs.cdnHostAndPath(location) else {
                    throw ImportMapError(.upstream, "\(address) redirects nowhere")
                }
                current = "https://" + target
            case 404: throw ImportMapError(.notFound, "\(address) was not found upstream")
            default: throw ImportMapError(.upstream, "\(address) answered \(response.entry.status)")
            }
        }
        throw ImportMapError(.upstream, "\(url) redirects more than 5 times")
    }

    /// A module's bytes by its URL: Wharf's registries for its own URLs, else the edge cache.
    /// Failures read "module not found: URL (why)".
    func module(_ url: String, original: Bool) async throws(ImportMapError) -> [UInt8] {
        if let file = urls.jsrFile(url) { return try jsrModule(url, file) }
        if let file = urls.eikNPMFile(url) {
            guard let eik, let name = try? PackageName(file.name),
                  let stored = try? eik.file(type: .npm, name: name, version: file.version, path: "/" + file.file),
                  let bytes = try? eik.blobs.readAll(stored.blob) else {
                throw ImportMapError(.notFound, "module not found: \(url)")
            }
            return bytes
        }
        do {
            return try await fetch(url, original: original).bytes
        } catch {
            throw ImportMapError(error.kind == .upstream ? .upstream : error.kind, "module not found: \(url) (\(error.message))")
        }
    }

    private func jsrModule(_ url: String, _ file: (scope: String, name: String, version: String, file: String)) throws(ImportMapError) -> [UInt8] {
        guard let jsr, let (stored, preloaded) = try? jsr.packages.file(scope: file.scope, name: file.name, version: file.version, path: "/" + file.file) else {
            throw ImportMapError(.notFound, "module not found: \(url)")
        }
        if let preloaded { return preloaded }
        guard let bytes = try? jsr.blobs.readAll(stored.blob) else { throw ImportMapError(.upstream, "could not read \(url) from the store") }
        return bytes
    }

    /// The bytes Wharf serves for a stored CDN URL when they differ from the CDN's (a relinked
    /// module); nil when they are the same or the URL is not stored.
    func servedCopy(of url: String) async -> [UInt8]? {
        guard let address = try? address(url), let response = try? await cache.lookup(address, offline: offline), response.entry.served != nil else { return nil }
        return try? await collect(response.body)
    }

    private func collect(_ body: CacheBody) async throws -> [UInt8] {
        switch body {
        case .none: return []
        case .stored(let ref, let preloaded):
            if let preloaded { return Array(preloaded.readableBytesView) }
            var bytes: [UInt8] = []
            for try await buffer in StoredBody(blobs: cache.blobs, ref: ref) { bytes += buffer.readableBytesView }
            return bytes
        case .live(let live):
            var bytes: [UInt8] = []
            for try await buffer in live { bytes += buffer.readableBytesView }
            return bytes
        }
    }
}
