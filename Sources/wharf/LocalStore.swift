import EdgeCache
import ImportMaps
import Logging
import Metrics
import Registry
import Storage
import WharfServer

/// The store of a configuration opened in this process, for commands that work without a server
/// (a server may be running on the same store: LMDB shares it between processes).
struct LocalStore {
    let environment: StoreEnvironment
    let cache: EdgeCache
    let listings: DownloadListings
    let jsr: JSRRegistry

    init(_ configuration: WharfConfiguration) throws {
        environment = try StoreEnvironment(path: configuration.dataDirectory, options: configuration.storeOptions)
        var logger = Logger(label: "wharf")
        logger.logLevel = .error
        let blobs = try BlobStore(environment: environment)
        cache = try EdgeCache(blobs: blobs, configuration: configuration.edgeCache, metrics: NOOPMetricsHandler.instance, logger: logger)
        listings = DownloadListings(cache: cache, publicURL: configuration.resolvedPublicURL, registry: try EikRegistry(blobs: blobs))
        jsr = try JSRRegistry(blobs: blobs, users: configuration.users, limits: configuration.jsrLimits, quotas: configuration.jsrQuotas)
    }

    /// Lets the upstream client go and closes the store.
    func close() async {
        try? await cache.shutdown()
        environment.close()
    }
}
