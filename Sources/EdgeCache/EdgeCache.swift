import Foundation
import Logging
import Metrics
import NIOCore
import Storage
import Synchronization

/// The caching proxy in front of the allowlisted CDNs. Entries live in the `cache.entries` table;
/// bodies are blobs. Misses are fetched once per key however many requests ask (single-flight).
public final class EdgeCache: Sendable {
    public let configuration: EdgeCacheConfiguration
    public let blobs: BlobStore
    let entries: Table
    let purges: PurgeLog
    private let client: UpstreamClient
    private let upstream: UpstreamFetch
    private let flights = Mutex<[String: Flight]>([:])
    /// The fetch tasks: each runs to its end and `drain` waits for them, so none outlives the store.
    private let fetches = TaskSet()
    private let metrics: EdgeCacheMetrics
    private let logger: Logger
    private let health: UpstreamHealth
    private let purgeObservers = Mutex<[@Sendable (String) -> Void]>([])

    public init(blobs: BlobStore, configuration: EdgeCacheConfiguration, metrics: any MetricsFactory, logger: Logger) throws {
        self.configuration = configuration
        self.blobs = blobs
        self.entries = try CacheMaintenance.entriesTable(in: blobs.environment)
        self.purges = try PurgeLog(environment: blobs.environment)
        self.metrics = EdgeCacheMetrics(factory: metrics)
        self.logger = logger
        let client = UpstreamClient(configuration: .init(
            connectTimeout: TimeAmount(configuration.connectTimeout), readTimeout: TimeAmount(configuration.readTimeout)
        ))
        self.client = client
        let upstreams = configuration.upstreams, userAgent = configuration.userAgent, timeout = configuration.readTimeout
        health = UpstreamHealth(policy: configuration.health, metrics: metrics, logger: logger) { host in
            // Any answer at all (a 404 of the origin's root included) means the upstream is reachable.
            guard let origin = upstreams.origin(for: host) else { return false }
            var request = UpstreamRequest(method: .HEAD, origin: origin, target: origin.basePath + "/")
            request.headers.add(name: "User-Agent", value: userAgent)
            guard let response = try? await client.execute(request) else { return false }
            _ = try? await response.body.collect(upTo: 1 << 20)
            return true
        }
        upstream = UpstreamFetch(
            configuration: configuration, blobs: blobs, entries: entries, client: client, metrics: self.metrics, logger: logger, health: health)
    }

    public var environment: StoreEnvironment { blobs.environment }

    /// Waits (up to `timeout`) for running upstream fetches to finish storing what they got; those
    /// still running then are cancelled (they store nothing) and waited for.
    public func drain(timeout: Duration = .seconds(10)) async {
        await fetches.drain(timeout: timeout)
    }

    /// Closes upstream connections; call once, after the server stopped taking requests.
    public func shutdown() async throws {
        await health.shutdown()
        await client.shutdown()
    }

    // MARK: lookup

    /// Answers `address` from the store when fresh, otherwise from the upstream (once per key),
    /// falling back to a stale copy when the upstream fails or Wharf is offline. `offline` makes
    /// this one lookup offline (a `/generate` asking for `cache: "offline"`).
    public func lookup(_ address: CacheAddress, offline: Bool = false) async throws(EdgeCacheError) -> CacheResponse {
        try await withCheckedContinuation { continuation in
            lookup(address, offline: offline) { continuation.resume(returning: $0) }
        }.get()
    }

    /// `lookup` for callers that cannot wait in a task (the server's event loops): `then` runs at
    /// once when the store answers, else on the thread that publishes the fetch's outcome.
    public func lookup(_ address: CacheAddress, offline: Bool = false, then: @escaping @Sendable (Result<CacheResponse, EdgeCacheError>) -> Void) {
        let now = Date().timeIntervalSince1970
        let offline = offline || configuration.offline
        let cached: (CacheEntry, ByteBuffer?)?
        do throws(EdgeCacheError) {
            cached = try readEntry(address.key)
        } catch {
            return then(.failure(error))
        }
        if let (entry, preloaded) = cached, entry.isFresh(at: now) || offline {
            if entry.isFresh(at: now) { metrics.hits.increment() } else { metrics.stale.increment() }
            return then(.success(response(entry, source: entry.isFresh(at: now) ? .hit : .stale, preloaded: preloaded)))
        }
        if offline {
            // A fetch already under way (a whole body answered, its commit pending) contacts no one
            // more: wait for its outcome to be in the store, then look again.
            if let running = flights.withLock({ $0[address.key] }) {
                return running.onSettled { _ in self.lookup(address, offline: offline, then: then) }
            }
            return then(.failure(EdgeCacheError(.offlineMiss, "offline and not cached: \(address)")))
        }
        let stale = cached?.0
        if case .refuse(let since) = health.request(address.host) {
            // Marked down after repeated failures: answer now instead of waiting for another timeout.
            if let stale {
                metrics.stale.increment()
                return then(.success(response(stale, source: .stale, preloaded: cached?.1)))
            }
            let seconds = Int((ContinuousClock.now - since).components.seconds)
            return then(.failure(EdgeCacheError(.upstreamUnavailable, "\(address.host) is down (no answer to \(configuration.health.maxFails) attempts; marked down \(seconds)s ago, probed in the background): \(address) is not cached")))
        }
        let (flight, leads) = flights.withLock { flights -> (Flight, Bool) in
            if let running = flights[address.key] { return (running, false) }
            let flight = Flight(key: address.key, blobs: blobs)
            flights[address.key] = flight
            return (flight, true)
        }
        if leads {
            metrics.misses.increment()
            upstream.start(address, into: flight, stale: stale, work: fetches) { self.release(flight, address) }
        } else {
            metrics.coalesced.increment()
        }
        // A request that finds a whole body already out came after the answer: it waits for the
        // commit and reads the entry like any hit, so a HIT is always in the store.
        let joinedAfterHead = !leads && flight.hasHead
        flight.onHead { head in
            switch head {
            case .streaming(let contentType, let contentLength, let lastModified):
                let entry = CacheEntry(
                    key: address.key, status: 200, contentType: contentType, location: nil, upstreamETag: nil,
                    lastModified: lastModified, body: nil, storedAt: now,
                    freshUntil: FreshnessPolicy.isImmutable(address) ? .infinity : now
                )
                let live = CacheBody.live(LiveBody(flight: flight, contentLength: contentLength))
                then(.success(CacheResponse(entry: entry, source: leads ? .miss : .coalesced, body: live, original: live)))
            case .whole(let entry, let served, let original):
                guard !joinedAfterHead else {
                    return flight.onSettled { _ in self.lookup(address, offline: offline, then: then) }
                }
                // The same bytes as the stale copy: the upstream confirmed it, as a 304 would.
                let source: CacheResponse.Source = stale?.status == 200 && entry.body?.sha256 == stale?.body?.sha256 ? .revalidated : (leads ? .miss : .coalesced)
                let body = CacheBody.stored(entry.servedBody!, preloaded: served)
                let originalBody = original.map { CacheBody.stored(entry.body!, preloaded: $0) } ?? body
                then(.success(CacheResponse(entry: entry, source: source, body: body, original: originalBody)))
            case .stored(let entry):
                let source: CacheResponse.Source = stale != nil && entry.body == stale?.body && entry.status == stale?.status ? .revalidated : (leads ? .miss : .coalesced)
                // Read back with its body in one snapshot. A purge may have come in between, and then
                // the stored body is gone: look again (fetch anew) rather than stream deleted chunks.
                do throws(EdgeCacheError) {
                    guard let (current, preloaded) = try self.readEntry(address.key), current.body == entry.body, current.served == entry.served else {
                        return self.lookup(address, offline: offline, then: then)
                    }
                    then(.success(self.response(current, source: source, preloaded: preloaded)))
                } catch {
                    then(.failure(error))
                }
            case .failed(let error):
                guard let stale else { return then(.failure(error)) }
                self.metrics.stale.increment()
                self.logger.warning("serving stale copy", metadata: ["key": "\(address.key)", "error": "\(error.message)"])
                then(.success(self.response(stale, source: .stale, preloaded: cached?.1)))
            }
        }
    }

    /// `preloaded` is the served body's only chunk, when it has one.
    private func response(_ entry: CacheEntry, source: CacheResponse.Source, preloaded: ByteBuffer?) -> CacheResponse {
        let served: CacheBody = entry.servedBody.map { .stored($0, preloaded: preloaded) } ?? .none
        let original: CacheBody = entry.served == nil ? served : entry.body.map { .stored($0, preloaded: nil) } ?? .none
        return CacheResponse(entry: entry, source: source, body: served, original: original)
    }

    /// The entry for `key` and, when its served body fits one chunk, that body, in one snapshot.
    public func readEntry(_ key: String) throws(EdgeCacheError) -> (CacheEntry, ByteBuffer?)? {
        do {
            return try environment.read { txn -> (CacheEntry, ByteBuffer?)? in
                guard let entry = try txn.withValue(entries, key: StoreKey.make(key), CacheEntry.decode) else { return nil }
                guard let ref = entry.servedBody, ref.chunkCount <= 1 else { return (entry, nil) }
                if ref.size == 0 { return (entry, ByteBuffer()) }
                let bytes = try blobs.withChunk(ref.id, index: 0, in: txn) { ByteBuffer(bytes: $0) }
                return (entry, bytes)
            }
        } catch {
            throw EdgeCacheError(.storage, "reading the cache failed: \(error)")
        }
    }

    /// A GET to an allowlisted upstream whose answer is not cached (requests with side effects,
    /// such as api.jspm.io's build queue). Returns the upstream's status.
    public func forward(_ address: CacheAddress) async throws(EdgeCacheError) -> Int {
        try await upstream.forward(address)
    }

    /// Takes `flight` out of the joinable set, so a request that arrives after its outcome reads the
    /// store instead of joining a finished fetch, and wakes those that wait for that (`onSettled`).
    private func release(_ flight: Flight, _ address: CacheAddress) {
        flights.withLock { flights in
            if flights[address.key] === flight { flights[address.key] = nil }
        }
        flight.settle()
    }

    // MARK: maintenance

    /// Purge and statistics over this cache's store (also usable without a server).
    public var maintenance: CacheMaintenance {
        let observers = purgeObservers.withLock { $0 }
        return CacheMaintenance(blobs: blobs, entries: entries, purges: purges, inFlight: flights.withLock { $0.count }) { prefix in
            for observer in observers { observer(prefix) }
        }
    }

    /// `observer` hears the prefix of every purge through `maintenance`, once it committed (the
    /// server's in-memory copies go then).
    public func onPurge(_ observer: @escaping @Sendable (String) -> Void) {
        purgeObservers.withLock { $0.append(observer) }
    }

    /// Counts hits answered without `lookup` (from the server's in-memory copies).
    public func countHits(_ count: Int) {
        metrics.hits.increment(by: count)
    }
}
