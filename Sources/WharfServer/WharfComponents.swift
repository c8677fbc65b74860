import EdgeCache
import ImportMaps
import Logging
import Metrics
import Registry
import Storage
import URLLayout

/// The one composition root: the store of a configuration and every domain service over it,
/// wired once for `wharf serve` and for the commands that work on the store without a server (a
/// server may be running on the same store: LMDB shares it between processes). A new backend or
/// service is added here.
public struct WharfComponents: Sendable {
    public let environment: StoreEnvironment
    public let blobs: BlobStore
    public let urls: WharfURLs
    public let cache: EdgeCache
    public let eik: EikRegistry
    public let jsr: JSRRegistry
    public let fetcher: ModuleFetcher
    public let listings: DownloadListings
    public let generator: Generator
    public let rewriter: MapRewriter
    public let exporter: MapExporter
    /// Work that outlives the request that started it (the `/build` prefetches); `close` drains it.
    public let background = TaskSet()

    /// `metrics` and `logger` default to none and errors only, for the commands.
    public init(configuration: WharfConfiguration, metrics: any MetricsFactory = NOOPMetricsHandler.instance, logger: Logger? = nil) throws {
        let logger = logger ?? {
            var quiet = Logger(label: "wharf")
            quiet.logLevel = .error
            return quiet
        }()
        environment = try StoreEnvironment(path: configuration.dataDirectory, options: configuration.store)
        do {
            // The edge cache last: it owns an HTTP client, which must be shut down once made.
            blobs = try BlobStore(environment: environment)
            eik = try EikRegistry(blobs: blobs, limits: configuration.registryLimits)
            jsr = try JSRRegistry(blobs: blobs, users: configuration.users, limits: configuration.jsrLimits, quotas: configuration.jsrQuotas)
            cache = try EdgeCache(blobs: blobs, configuration: configuration.edgeCache, metrics: metrics, logger: logger)
        } catch {
            environment.close()
            throw error
        }
        urls = WharfURLs(publicURL: configuration.resolvedPublicURL)
        fetcher = ModuleFetcher(cache: cache, urls: urls, eik: eik, jsr: jsr)
        listings = DownloadListings(fetcher: fetcher)
        generator = Generator(listings: listings, maxInstalls: configuration.maxInstalls)
        rewriter = MapRewriter(listings: listings)
        exporter = MapExporter(fetcher: fetcher)
    }

    /// Opens the components of `configuration` for `body` and closes them after it, whether it
    /// returned or threw (the commands' way to use the store).
    public static func using<T>(_ configuration: WharfConfiguration, _ body: (WharfComponents) async throws -> T) async throws -> T {
        let components = try WharfComponents(configuration: configuration)
        let result: T
        do {
            result = try await body(components)
        } catch {
            try? await components.close()
            throw error
        }
        try await components.close()
        return result
    }

    /// Waits for the background work, then for the fetches in flight (each up to a bound), lets
    /// the upstream client go and closes the store. Background work first: it starts fetches.
    public func close() async throws {
        await background.drain(timeout: .seconds(10))
        await cache.drain()
        defer { environment.close() }
        try await cache.shutdown()
    }
}
