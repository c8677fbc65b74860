import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import ModuleLexer
import Tarball
import NIOCore
import NIOHTTP1
import Storage
import Synchronization
import URLLayout

/// The caching proxy in front of the allowlisted CDNs. Entries live in the `cache.entries` table;
/// bodies are blobs. Misses are fetched once per key however many requests ask (single-flight).
public final class EdgeCache: Sendable {
    public let configuration: EdgeCacheConfiguration
    public let blobs: BlobStore
    let entries: Table
    private let client: HTTPClient
    private let flights = Mutex<[String: Flight]>([:])
    private let metrics: EdgeCacheMetrics
    private let logger: Logger
    private let health: UpstreamHealth
    private let purgeObservers = Mutex<[@Sendable (String) -> Void]>([])

    public init(blobs: BlobStore, configuration: EdgeCacheConfiguration, metrics: any MetricsFactory, logger: Logger) throws {
        self.configuration = configuration
        self.blobs = blobs
        self.entries = try CacheMaintenance.entriesTable(in: blobs.environment)
        self.metrics = EdgeCacheMetrics(factory: metrics)
        self.logger = logger
        var clientConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(configuration.connectTimeout), read: TimeAmount(configuration.readTimeout)),
            decompression: .disabled
        )
        clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        self.client = client
        let upstreams = configuration.upstreams, userAgent = configuration.userAgent, timeout = configuration.readTimeout
        health = UpstreamHealth(policy: configuration.health, metrics: metrics, logger: logger) { host in
            // Any answer at all (a 404 of the origin's root included) means the upstream is reachable.
            guard let origin = upstreams.origin(for: host) else { return false }
            var request = HTTPClientRequest(url: "\(origin)/")
            request.method = .HEAD
            request.headers.add(name: "User-Agent", value: userAgent)
            return (try? await client.execute(request, timeout: TimeAmount(timeout), logger: logger)) != nil
        }
    }

    public var environment: StoreEnvironment { blobs.environment }

    /// Waits (up to `timeout`) for running upstream fetches to finish storing what they got.
    public func drain(timeout: Duration = .seconds(10)) async {
        let deadline = ContinuousClock.now + timeout
        while flights.withLock({ !$0.isEmpty }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Closes upstream connections; call once, after the server stopped taking requests.
    public func shutdown() async throws {
        await health.shutdown()
        try await client.shutdown()
    }

    // MARK: lookup

    /// Answers `address` from the store when fresh, otherwise from the upstream (once per key),
    /// falling back to a stale copy when the upstream fails or Wharf is offline.
    public func lookup(_ address: CacheAddress) async throws(EdgeCacheError) -> CacheResponse {
        let now = Date().timeIntervalSince1970
        let cached = try readEntry(address.key)
        if let (entry, preloaded) = cached, entry.isFresh(at: now) || configuration.offline {
            if entry.isFresh(at: now) { metrics.hits.increment() } else { metrics.stale.increment() }
            return response(entry, source: entry.isFresh(at: now) ? .hit : .stale, preloaded: preloaded)
        }
        if configuration.offline {
            throw EdgeCacheError(.offlineMiss, "offline and not cached: \(address)")
        }
        let stale = cached?.0
        if case .refuse(let since) = health.request(address.host) {
            // Marked down after repeated failures: answer now instead of waiting for another timeout.
            if let stale {
                metrics.stale.increment()
                return response(stale, source: .stale, preloaded: cached?.1)
            }
            let seconds = Int((ContinuousClock.now - since).components.seconds)
            throw EdgeCacheError(.upstreamUnavailable, "\(address.host) is down (no answer to \(configuration.health.maxFails) attempts; marked down \(seconds)s ago, probed in the background): \(address) is not cached")
        }
        let (flight, leads) = flights.withLock { flights -> (Flight, Bool) in
            if let running = flights[address.key] { return (running, false) }
            let flight = Flight(key: address.key, blobs: blobs)
            flights[address.key] = flight
            return (flight, true)
        }
        if leads {
            metrics.misses.increment()
            Task { await self.fetch(address, into: flight, stale: stale) }
        } else {
            metrics.coalesced.increment()
        }
        switch await flight.awaitHead() {
        case .streaming(let contentType, let contentLength, let lastModified):
            let entry = CacheEntry(
                key: address.key, status: 200, contentType: contentType, location: nil, upstreamETag: nil,
                lastModified: lastModified, body: nil, storedAt: now,
                freshUntil: FreshnessPolicy.isImmutable(address) ? .infinity : now
            )
            let live = CacheBody.live(LiveBody(flight: flight, contentLength: contentLength))
            return CacheResponse(entry: entry, source: leads ? .miss : .coalesced, body: live, original: live)
        case .stored(let entry):
            let source: CacheResponse.Source = stale != nil && entry.body == stale?.body && entry.status == stale?.status ? .revalidated : (leads ? .miss : .coalesced)
            let preloaded = try readEntry(address.key)?.1
            return response(entry, source: source, preloaded: preloaded)
        case .failed(let error):
            guard let stale else { throw error }
            metrics.stale.increment()
            logger.warning("serving stale copy", metadata: ["key": "\(address.key)", "error": "\(error.message)"])
            return response(stale, source: .stale, preloaded: cached?.1)
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

    // MARK: fetching

    func upstreamURL(_ address: CacheAddress) -> String? {
        guard let origin = configuration.upstreams.origin(for: address.host) else { return nil }
        return "\(origin)\(address.encodedPath)" + (address.query.map { "?\($0)" } ?? "")
    }

    /// A GET to an allowlisted upstream whose answer is not cached (requests with side effects,
    /// such as api.jspm.io's build queue). Returns the upstream's status.
    public func forward(_ address: CacheAddress) async throws(EdgeCacheError) -> Int {
        guard !configuration.offline else { throw EdgeCacheError(.offlineMiss, "offline: not forwarding \(address)") }
        guard let url = upstreamURL(address) else {
            throw EdgeCacheError(.hostNotAllowed, "host '\(address.host)' is not in the upstream allowlist")
        }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        do {
            let response = try await client.execute(request, timeout: TimeAmount(configuration.readTimeout), logger: logger)
            _ = try? await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        } catch {
            throw EdgeCacheError(.upstreamUnavailable, "could not reach \(url): \(error)")
        }
    }

    /// Takes `flight` out of the joinable set before its outcome is published, so a request that
    /// arrives after the outcome reads the store instead of joining a finished fetch.
    private func settle(_ flight: Flight, _ address: CacheAddress, _ publish: (Flight) -> Void) {
        flights.withLock { flights in
            if flights[address.key] === flight { flights[address.key] = nil }
        }
        publish(flight)
    }

    /// Runs one upstream request for `flight` and stores what it yields.
    private func fetch(_ address: CacheAddress, into flight: Flight, stale: CacheEntry?) async {
        defer {
            flights.withLock { flights in
                if flights[address.key] === flight { flights[address.key] = nil }
            }
        }
        guard let url = upstreamURL(address) else {
            settle(flight, address) { $0.fail(EdgeCacheError(.hostNotAllowed, "host '\(address.host)' is not in the upstream allowlist")) }
            return
        }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept-Encoding", value: "identity")
        if let stale, stale.status == 200 {
            if let etag = stale.upstreamETag { request.headers.add(name: "If-None-Match", value: etag) }
            if let modified = stale.lastModified { request.headers.add(name: "If-Modified-Since", value: modified) }
        }
        let started = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: TimeAmount(configuration.readTimeout), logger: logger)
        } catch {
            metrics.upstreamErrors.increment()
            health.failed(address.host, error: "\(error)")
            settle(flight, address) { $0.fail(EdgeCacheError(.upstreamUnavailable, "could not fetch \(address) from \(url): \(error)")) }
            return
        }
        health.answered(address.host)
        metrics.upstreamLatency.record(duration: ContinuousClock.now - started)
        let now = Date().timeIntervalSince1970
        let status = Int(response.status.code)
        let headers = response.headers
        do {
            switch status {
            case 200:
                try await receive(response, address: address, into: flight, now: now)
                return
            case 304 where stale != nil:
                var entry = stale!
                entry.storedAt = now
                entry.freshUntil = now + configuration.freshness.lifetime(cacheControl: headers.first(name: "cache-control"))
                if let etag = headers.first(name: "etag") { entry.upstreamETag = etag }
                metrics.revalidated.increment()
                try await store(entry, blob: nil, keepBody: true)
                settle(flight, address) { $0.publish(.stored(entry)) }
            case 301, 302, 303, 307, 308:
                _ = try? await response.body.collect(upTo: 1 << 20)
                let location = try redirectTarget(headers.first(name: "location"), from: url, address: address)
                let entry = CacheEntry(
                    key: address.key, status: status, contentType: nil, location: location, upstreamETag: nil, lastModified: nil,
                    body: nil, storedAt: now, freshUntil: freshness(for: address, headers: headers, now: now)
                )
                try await store(entry, blob: nil, keepBody: false)
                settle(flight, address) { $0.publish(.stored(entry)) }
            case 404, 410:
                _ = try? await response.body.collect(upTo: 1 << 20)
                let entry = CacheEntry(
                    key: address.key, status: 404, contentType: nil, location: nil, upstreamETag: nil, lastModified: nil,
                    body: nil, storedAt: now, freshUntil: now + configuration.freshness.negativeLifetime / .seconds(1)
                )
                try await store(entry, blob: nil, keepBody: false)
                settle(flight, address) { $0.publish(.stored(entry)) }
            default:
                _ = try? await response.body.collect(upTo: 1 << 20)
                metrics.upstreamErrors.increment()
                settle(flight, address) { $0.fail(EdgeCacheError(.upstreamStatus(status), "\(url) answered \(status)")) }
            }
        } catch let error as EdgeCacheError {
            settle(flight, address) { $0.fail(error) }
        } catch {
            settle(flight, address) { $0.fail(EdgeCacheError(.storage, "storing \(address) failed: \(error)")) }
        }
    }

    /// Streams a 200 body into a blob and into the flight; commits the entry only when every
    /// byte arrived (matching Content-Length when the upstream gave one). A JavaScript body up to
    /// `maxRelinkedSize` is held back until it is complete: if it has root-relative specifiers, what
    /// Wharf serves is the relinked copy, so no reader may see the upstream's bytes first.
    private func receive(_ response: HTTPClientResponse, address: CacheAddress, into flight: Flight, now: Double) async throws {
        let headers = response.headers
        let limit = configuration.maxObjectSize
        var expected = headers.first(name: "content-length").flatMap(Int.init)
        if let expected, expected > limit {
            throw EdgeCacheError(.objectTooLarge, "\(address) is \(expected) bytes, over max_object_size (\(limit))")
        }
        // Wharf asks for `identity`; an upstream may encode anyway. Decoded bytes are stored, never
        // the encoded ones under a plain type; a coding zlib cannot decode is refused.
        let coding = headers.first(name: "content-encoding").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.flatMap { $0 == "identity" || $0.isEmpty ? nil : $0 }
        if let coding, !ContentDecoding.canDecode(coding) {
            throw EdgeCacheError(.upstreamUnavailable, "\(address): the upstream answered Content-Encoding: \(coding), which Wharf cannot decode; not stored")
        }
        var contentType = headers.first(name: "content-type") ?? ""
        if contentType.isEmpty || contentType.hasPrefix("application/octet-stream") { contentType = MediaType.forPath(address.path) }
        let lastModified = headers.first(name: "last-modified") ?? HTTPDate.format(now)
        let writer = blobs.makeWriter()
        var servedWriter: BlobWriter? = nil
        flight.begin(pendingID: writer.id)
        var held: [UInt8]? = MediaType.isJavaScript(contentType) && (coding != nil || (expected ?? 0) <= configuration.maxRelinkedSize) ? [] : nil
        if held == nil { flight.publish(.streaming(contentType: contentType, contentLength: coding == nil ? expected : nil, lastModified: lastModified)) }
        var pace = TransferPace(policy: configuration.pace, started: .now)
        /// Abandons a body that arrives slower than `min_rate`, or past `fetch_deadline`.
        func check(_ received: Int) throws(EdgeCacheError) {
            switch pace.received(received, at: .now) {
            case .proceed: return
            case .tooSlow(let bytes, let window):
                throw EdgeCacheError(.upstreamUnavailable, "\(address): the upstream sent \(bytes) bytes in the last \(window), under min_rate; abandoned, not stored")
            case .pastDeadline:
                throw EdgeCacheError(.upstreamUnavailable, "\(address): the fetch took longer than fetch_deadline (\(configuration.pace.deadline)); abandoned, not stored")
            }
        }
        /// One piece of the (decoded) body: into the blob, the relinking copy and the flight.
        func take(_ buffer: ByteBuffer) async throws {
            if writer.byteCount + buffer.readableBytes > limit {
                throw EdgeCacheError(.objectTooLarge, "\(address) exceeds max_object_size (\(limit))")
            }
            buffer.withUnsafeReadableBytes { writer.append($0) }
            if held != nil {
                held! += buffer.readableBytesView
                if held!.count > configuration.maxRelinkedSize {
                    // Too large to relink: stream it as it is, from what arrived so far.
                    held = nil
                    flight.publish(.streaming(contentType: contentType, contentLength: expected, lastModified: lastModified))
                }
            }
            flight.append(buffer)
            if writer.bufferedBytes >= blobs.chunkSize {
                try await writer.flush()
                flight.persisted(chunks: writer.flushedChunks)
            }
        }
        do {
            if let coding {
                var encoded: [UInt8] = []
                for try await buffer in response.body {
                    try check(buffer.readableBytes)
                    guard encoded.count + buffer.readableBytes <= limit else {
                        throw EdgeCacheError(.objectTooLarge, "\(address) exceeds max_object_size (\(limit)) encoded")
                    }
                    encoded += buffer.readableBytesView
                }
                if let expected, encoded.count != expected {
                    throw EdgeCacheError(.upstreamUnavailable, "\(address): the upstream sent \(encoded.count) of \(expected) bytes")
                }
                let decoded: [UInt8]
                do {
                    decoded = try ContentDecoding.decode(encoded, coding: coding, maxSize: limit)
                } catch {
                    throw EdgeCacheError(.upstreamUnavailable, "\(address): the upstream's \(coding) body cannot be decoded (\(error)); not stored")
                }
                expected = decoded.count
                var offset = 0
                while offset < decoded.count {
                    let end = min(offset + (64 << 10), decoded.count)
                    try await take(ByteBuffer(bytes: decoded[offset..<end]))
                    offset = end
                }
            } else {
                for try await buffer in response.body {
                    try check(buffer.readableBytes)
                    try await take(buffer)
                }
            }
            if let expected, writer.byteCount != expected {
                throw EdgeCacheError(.upstreamUnavailable, "\(address): the upstream sent \(writer.byteCount) of \(expected) bytes")
            }
            let finished = try await writer.finish()
            flight.persisted(chunks: writer.flushedChunks)
            var served: FinishedBlob? = nil
            if let held, let relinked = RootRelativeSpecifiers.relativize(held, modulePath: address.encodedPath) {
                let copy = blobs.makeWriter()
                servedWriter = copy
                relinked.withUnsafeBytes { copy.append($0) }
                served = try await copy.finish()
            }
            let entry = CacheEntry(
                key: address.key, status: 200, contentType: contentType, location: nil,
                upstreamETag: headers.first(name: "etag"), lastModified: lastModified,
                body: nil, storedAt: now, freshUntil: freshness(for: address, headers: headers, now: now)
            )
            let stored = try await store(entry, blob: finished, served: served, keepBody: false)
            if held != nil {
                settle(flight, address) { $0.publish(.stored(stored)) }
            } else {
                settle(flight, address) { $0.finish(stored.body!) }
            }
        } catch let error as EdgeCacheError {
            await writer.abort()
            await servedWriter?.abort()
            metrics.upstreamErrors.increment()
            logger.warning("upstream body failed mid-way; nothing stored", metadata: ["url": "\(address)", "bytes": "\(writer.byteCount)", "error": "\(error.message)"])
            throw error
        } catch let error as StorageError {
            await writer.abort()
            await servedWriter?.abort()
            throw EdgeCacheError(.storage, "storing \(address) failed: \(error)")
        } catch {
            await writer.abort()
            await servedWriter?.abort()
            metrics.upstreamErrors.increment()
            logger.warning("upstream body failed mid-way; nothing stored", metadata: ["url": "\(address)", "bytes": "\(writer.byteCount)", "error": "\(error)"])
            throw EdgeCacheError(.upstreamUnavailable, "\(address): the upstream body failed: \(error)")
        }
    }

    private func freshness(for address: CacheAddress, headers: HTTPHeaders, now: Double) -> Double {
        if FreshnessPolicy.isImmutable(address) { return .infinity }
        return now + configuration.freshness.lifetime(cacheControl: headers.first(name: "cache-control"))
    }

    /// Maps an upstream `Location` to a Wharf path (`/cdn/host/path`). A target outside the
    /// allowlist is refused: the redirect is never followed or passed on.
    private func redirectTarget(_ location: String?, from url: String, address: CacheAddress) throws(EdgeCacheError) -> String {
        guard let location, let base = URL(string: url), let resolved = URL(string: location, relativeTo: base),
              let components = URLComponents(url: resolved.absoluteURL, resolvingAgainstBaseURL: true),
              let (host, path) = configuration.upstreams.locate(components, preferring: address.host)
        else {
            throw EdgeCacheError(.redirectNotAllowed, "\(address) redirects to \(location ?? "nowhere"), outside the upstream allowlist")
        }
        // A target Wharf would refuse as a request is the upstream's fault: 502, not the client's 400.
        let target: CacheAddress
        do {
            target = try CacheAddress.parse(Substring(host + path), query: components.percentEncodedQuery, upstreams: configuration.upstreams)
        } catch {
            throw EdgeCacheError(.redirectNotAllowed, "\(address) redirects to \(location), which Wharf refuses: \(error.message)")
        }
        return WharfURLs.cdnPath(host: target.host, encodedPath: target.encodedPath, query: target.query)
    }

    /// Writes `entry` (with `blob` committed as its body and `served` as its served copy, or the old
    /// bodies kept) and releases the bodies it replaces, in one transaction: the record is the commit point.
    @discardableResult
    private func store(_ entry: CacheEntry, blob: FinishedBlob?, served: FinishedBlob? = nil, keepBody: Bool) async throws -> CacheEntry {
        let key = StoreKey.make(entry.key)
        let blobs = blobs, entries = entries
        return try await environment.write { txn in
            var entry = entry
            let old = try txn.withValue(entries, key: key, CacheEntry.decode)
            if let blob {
                entry.body = try blobs.commit(blob, in: txn)
                entry.served = try served.map { try blobs.commit($0, in: txn) }
            } else if keepBody {
                entry.body = old?.body
                entry.served = old?.served
            }
            if let old, !(keepBody && blob == nil) {
                for body in old.blobs { try blobs.release(body, in: txn) }
            }
            try txn.put(entries, key: key, value: entry.encoded())
            return entry
        }
    }

    // MARK: maintenance

    /// Purge and statistics over this cache's store (also usable without a server).
    public var maintenance: CacheMaintenance {
        let observers = purgeObservers.withLock { $0 }
        return CacheMaintenance(blobs: blobs, entries: entries, inFlight: flights.withLock { $0.count }) { prefix in
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
