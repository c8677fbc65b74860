import EdgeCache
import JSON
import Registry

/// Import-map generation with JSPM Generator's semantics, against Wharf's edge cache (and so
/// offline from the store): versions from packuments, entry points from package.json, the module
/// graph from `ModuleLexer`, one shared version per dependency unless ranges conflict.
public struct Generator: Sendable {
    public let fetcher: ModuleFetcher
    public let listings: DownloadListings
    /// Installs one request may ask for (`[generate] max_installs`): the work grows with them.
    public var maxInstalls: Int

    public static let defaultMaxInstalls = 500

    public init(listings: DownloadListings, maxInstalls: Int = Generator.defaultMaxInstalls) {
        self.fetcher = listings.fetcher
        self.listings = listings
        self.maxInstalls = maxInstalls
    }

    /// Stops with `cancelled` soon after its task is cancelled (the client went away).
    public func generate(_ options: GenerateOptions) async throws(ImportMapError) -> GenerateResult {
        guard options.install.count <= maxInstalls else {
            throw ImportMapError(.invalid, "\(options.install.count) installs asked for; at most \(maxInstalls) per request (generate.max_installs)")
        }
        var fetcher = listings.fetcher
        fetcher.offline = options.offline
        fetcher.retries = options.fetchRetries
        var run = GeneratorRun(options: options, listings: DownloadListings(fetcher: fetcher))
        return try await run.generate()
    }
}
