import EdgeCache
import ImportMaps
import Registry
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import Storage

/// One Wharf server: opens the store, builds the routes and runs until a shutdown signal (or task
/// cancellation), finishing in-flight responses before it closes the store.
public struct WharfService: Sendable {
    public let configuration: WharfConfiguration
    public let logger: Logger

    public init(configuration: WharfConfiguration, logger: Logger? = nil) {
        self.configuration = configuration
        var logger = logger ?? Logger(label: "wharf")
        logger.logLevel = configuration.logLevel
        self.logger = logger
    }

    /// Runs the server. `onReady` receives the bound port once requests are accepted.
    public func run(
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let weakKeys = configuration.usersWithWeakKeys
        if !weakKeys.isEmpty {
            logger.warning("weak keys: change the key of \(weakKeys.joined(separator: ", ")) in proxy.conf; Wharf refuses to listen beyond loopback with them")
        }
        let metrics = ServerMetrics()
        let components = try WharfComponents(configuration: configuration, metrics: metrics.factory, logger: logger)
        do {
            try await serve(components, metrics: metrics, gracefulShutdownSignals: gracefulShutdownSignals, onReady: onReady)
        } catch {
            try? await components.close()
            throw error
        }
        try await components.close()
    }

    /// The server's own services (sign-in, the publishing queue) and routes over `components`.
    private func serve(
        _ components: WharfComponents, metrics: ServerMetrics,
        gracefulShutdownSignals: [UnixSignal], onReady: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let cache = components.cache, urls = components.urls
        let swept = try await components.blobs.sweepPending()
        if swept > 0 { logger.notice("removed \(swept) unfinished downloads left by an earlier run") }
        let authenticator = await Authenticator(
            users: configuration.users,
            secret: try Authenticator.secret(configured: configuration.jwtSecret, environment: components.environment),
            tokenLifetime: configuration.tokenLifetime
        )
        let hot = HotCache(capacity: configuration.hotCacheSize, feed: try PurgeFeed(environment: components.environment, log: cache.maintenance.purges))
        // A purge commits, then its prefix leaves memory (see `HotCache` for why that is never stale).
        cache.onPurge { prefix in hot.invalidate(prefix: prefix) }
        let files = StoredFileResponse(blobs: components.blobs, metrics: metrics, hot: hot)
        let jsr = components.jsr
        let jsrAuthorizations = try JSRAuthorizations(
            registry: jsr, authenticator: authenticator,
            authorizationLifetime: configuration.jsrAuthorizationLifetime, deviceTokenLifetime: configuration.jsrDeviceTokenLifetime
        )
        let logger = logger
        let publisher = JSRPublisher(registry: jsr) { message in logger.info("\(message)") }

        let router = Router(context: WharfRequestContext.self)
        router.middlewares.add(AccessLogMiddleware(logger: logger, metrics: metrics, writesLog: configuration.accessLog))
        router.middlewares.add(NotFoundMiddleware())
        router.middlewares.add(DomainErrorMiddleware())
        let lookups = CDNHotLookup(cache: cache, hot: hot)
        router.middlewares.add(CDNRoutes(cache: cache, urls: urls, files: files, logger: logger, handOff: lookups.handOff))
        router.middlewares.add(EikRoutes(registry: components.eik, authenticator: authenticator, files: files))
        router.middlewares.add(JSRFileRoutes(registry: jsr, files: files))
        OperationsRoutes(cache: cache, metrics: metrics, hot: hot).register(on: router)
        let loginGuard = LoginGuard(limiter: AuthFailureLimiter(policy: configuration.authFailures), trustedProxies: configuration.trustedProxies, logger: logger)
        AuthRoutes(authenticator: authenticator, loginGuard: loginGuard).register(on: router)
        JSRRoutes(registry: jsr, authorizations: jsrAuthorizations, publisher: publisher, urls: urls, loginGuard: loginGuard, hot: hot)
            .register(on: router)
        JSRDevicePage(authorizations: jsrAuthorizations, loginGuard: loginGuard).register(on: router)
        ImportMapRoutes(
            listings: components.listings, rewriter: components.rewriter, rebuildToken: configuration.rebuildToken,
            background: components.background, logger: logger
        )
            .register(on: router)
        GenerateRoutes(generator: components.generator).register(on: router)

        let accessLog = configuration.accessLog ? logger : nil
        let publicURL = urls.base
        let app = Application(
            router: router,
            server: .http1(configuration: .init(
                additionalChannelHandlers: Self.channelHandlers(configuration, hot: hot, metrics: metrics, accessLog: accessLog, lookups: lookups)
            )),
            configuration: .init(address: .hostname(configuration.listenHost, port: configuration.listenPort), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.notice("wharf serving on port \(port), public URL \(publicURL)")
                await onReady(port)
            },
            logger: logger
        )
        if configuration.jsrProcessTasks { await publisher.start() }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: gracefulShutdownSignals, logger: logger))
        do {
            try await group.run()
        } catch {
            await publisher.stop()
            throw error
        }
        await publisher.stop()
    }

    /// Each connection's handlers after HTTP decoding; when the hot cache is on, first the watcher
    /// that puts `HotPathHandler` in front of the decoder.
    private static func channelHandlers(
        _ configuration: WharfConfiguration, hot: HotCache, metrics: ServerMetrics, accessLog: Logger?, lookups: CDNHotLookup
    ) -> [any RemovableChannelHandler] {
        let deadlines = ConnectionDeadlinesHandler(
            headerTimeout: TimeAmount(configuration.headerTimeout), idleTimeout: TimeAmount(configuration.idleTimeout), bytesReportedByHotPath: hot.isEnabled
        )
        let rest: [any RemovableChannelHandler] = [ExpectContinueHandler(), ClientGoneHandler(), deadlines]
        guard hot.isEnabled else { return rest }
        return [HotPathHandler.ResponseWatcher(cache: hot, counters: metrics.hot, deadlines: deadlines, accessLog: accessLog, lookups: lookups)] + rest
    }
}
