import Foundation
import Logging
import ModuleLexer
import NIOCore
import NIOHTTP1
import Storage
import Tarball
import URLLayout

/// One upstream request per miss: sends it (revalidating a stale copy), streams a 200 into the
/// store and the flight, stores redirects and negative answers, and publishes each outcome.
struct UpstreamFetch: Sendable {
    let configuration: EdgeCacheConfiguration
    let blobs: BlobStore
    let entries: Table
    let client: UpstreamClient
    let metrics: EdgeCacheMetrics
    let logger: Logger
    let health: UpstreamHealth

    /// The request for `address` at its host's origin, nil when the host is not allowlisted.
    func upstreamRequest(_ address: CacheAddress) -> UpstreamRequest? {
        guard let origin = configuration.upstreams.origin(for: address.host) else { return nil }
        var request = UpstreamRequest(origin: origin, target: origin.basePath + address.encodedPath + (address.query.map { "?\($0)" } ?? ""))
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        return request
    }

    /// A GET to an allowlisted upstream whose answer is not cached (requests with side effects,
    /// such as api.jspm.io's build queue). Returns the upstream's status.
    func forward(_ address: CacheAddress) async throws(EdgeCacheError) -> Int {
        guard !configuration.offline else { throw EdgeCacheError(.offlineMiss, "offline: not forwarding \(address)") }
        guard let request = upstreamRequest(address) else {
            throw EdgeCacheError(.hostNotAllowed, "host '\(address.host)' is not in the upstream allowlist")
        }
        do {
            let response = try await client.execute(request)
            _ = try? await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        } catch {
            throw EdgeCacheError(.upstreamUnavailable, "could not reach \(request.url): \(error)")
        }
    }


    /// Starts one upstream request for `flight` on an event loop (the caller's, when it runs on
    /// one). A 200 whose whole body came with its head, small enough to be held, is answered from
    /// memory and stored right there in one transaction, with no task at all (most module misses);
    /// any other answer goes on in a task of `work` (`handle`). `release` takes the flight out of
    /// the joinable set and settles it: it runs before a stored outcome is published, so a request
    /// that arrives after it reads the store instead of joining a finished fetch, and after a whole
    /// body's commit (see `answerThenStore`).
    func start(_ address: CacheAddress, into flight: Flight, stale: CacheEntry?, work: TaskSet, release: @escaping @Sendable () -> Void) {
        let settle: Settle = { publish in
            release()
            publish(flight)
        }
        guard var request = upstreamRequest(address) else {
            return settle { $0.fail(EdgeCacheError(.hostNotAllowed, "host '\(address.host)' is not in the upstream allowlist")) }
        }
        let url = request.url
        request.headers.add(name: "Accept-Encoding", value: "identity")
        if let stale, stale.status == 200 {
            if let etag = stale.upstreamETag { request.headers.add(name: "If-None-Match", value: etag) }
            if let modified = stale.lastModified { request.headers.add(name: "If-Modified-Since", value: modified) }
        }
        let started = ContinuousClock.now
        let loop = client.nextLoop()
        let (answer, cancel) = client.execute(request, on: loop)
        guard let id = work.begin(cancel: cancel) else {
            cancel()
            return settle { $0.fail(EdgeCacheError(.upstreamUnavailable, "not fetching \(address): Wharf is shutting down")) }
        }
        answer.whenComplete { result in
            switch result {
            case .failure(let error):
                metrics.upstreamErrors.increment()
                health.failed(address.host, error: "\(error)")
                settle { $0.fail(EdgeCacheError(.upstreamUnavailable, "could not fetch \(address) from \(url): \(error)")) }
                work.end(id)
            case .success(let response):
                health.answered(address.host)
                metrics.upstreamLatency.record(duration: ContinuousClock.now - started)
                let now = Date().timeIntervalSince1970
                if response.status == .ok, let (entry, body) = whole(response, address: address, now: now) {
                    answerThenStore(entry, held: body, address: address, into: flight) {
                        // Back on the event loop, so the store's writer goes straight on to the next commit.
                        loop.execute {
                            release()
                            work.end(id)
                        }
                    }
                } else {
                    work.start {
                        await handle(response, address: address, url: url, into: flight, stale: stale, now: now, settle: settle)
                        release()
                    }
                    work.end(id)
                }
            }
        }
    }

    /// Publishes an outcome: takes the flight out of the joinable set, then tells its readers.
    typealias Settle = @Sendable ((Flight) -> Void) -> Void

    /// The entry and bodies of a 200 whose body came whole with its head, when it is one Wharf holds
    /// back (see `receive`) and fits one chunk; nil: read it as it arrives.
    private func whole(_ response: UpstreamResponse, address: CacheAddress, now: Double) -> (CacheEntry, HeldBody)? {
        let headers = response.headers
        let (contentType, lastModified) = describe(headers, address: address, now: now)
        guard contentCoding(headers) == nil, MediaType.isJavaScript(contentType) else { return nil }
        let expected = headers.first(name: "content-length").flatMap(Int.init)
        let limit = min(configuration.maxRelinkedSize, blobs.chunkSize, configuration.maxObjectSize)
        // The decoder ended the body at its Content-Length, so a whole body always matches it.
        guard (expected ?? 0) <= limit, let bytes = response.body.takeWhole(upTo: limit) else { return nil }
        let entry = entry200(headers, contentType: contentType, lastModified: lastModified, address: address, now: now)
        return (entry, held(Array(bytes.readableBytesView), address: address))
    }

    /// A whole held module: the requests waiting for it answer from memory at once, and the
    /// flight stays joinable until the commit ends (`then`), so one that comes meanwhile waits for
    /// the committed entry instead of fetching again. The disk flush is on nobody's path; a failed
    /// commit is logged, and the next request fetches anew.
    private func answerThenStore(_ entry: CacheEntry, held: HeldBody, address: CacheAddress, into flight: Flight, then: @escaping @Sendable () -> Void) {
        let (body, served) = held
        // Queued before the answer goes out, so a purge that follows the answer is behind it in
        // the writer's queue and finds it.
        store(entry, body: .prepared(body, served: served)) { [logger] stored in
            if case .failure(let error) = stored {
                logger.warning("answered from memory but not stored", metadata: ["url": "\(address)", "error": "\(error)"])
            }
            then()
        }
        var answered = entry
        answered.body = body.ref
        answered.served = served?.ref
        let original = ByteBuffer(bytes: body.bytes)
        flight.publish(.whole(answered, served: served.map { ByteBuffer(bytes: $0.bytes) } ?? original, original: served == nil ? nil : original))
    }

    /// The coding the upstream applied to its body (lowercased), nil for none or `identity`.
    private func contentCoding(_ headers: HTTPHeaders) -> String? {
        let coding = headers.first(name: "content-encoding")?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return coding.isEmpty || coding == "identity" ? nil : coding
    }

    /// The type and validator a 200 is stored with: the upstream's, else the path's type and now.
    private func describe(_ headers: HTTPHeaders, address: CacheAddress, now: Double) -> (contentType: String, lastModified: String) {
        var contentType = headers.first(name: "content-type") ?? ""
        if contentType.isEmpty || contentType.hasPrefix("application/octet-stream") { contentType = MediaType.forPath(address.path) }
        return (contentType, headers.first(name: "last-modified") ?? HTTPDate.format(now))
    }

    private func entry200(_ headers: HTTPHeaders, contentType: String, lastModified: String, address: CacheAddress, now: Double) -> CacheEntry {
        CacheEntry(
            key: address.key, status: 200, contentType: contentType, location: nil,
            upstreamETag: headers.first(name: "etag"), lastModified: lastModified,
            body: nil, storedAt: now, freshUntil: freshness(for: address, headers: headers, now: now)
        )
    }

    /// A held module's bodies, written with its entry: the upstream's bytes, and the relinked copy
    /// Wharf serves when the module has root-relative specifiers.
    private typealias HeldBody = (body: BlobStore.PreparedBlob, served: BlobStore.PreparedBlob?)

    private func held(_ bytes: [UInt8], address: CacheAddress) -> HeldBody {
        let relinked = RootRelativeSpecifiers.relativize(bytes, modulePath: address.encodedPath)
        return (blobs.prepare(bytes), relinked.map { blobs.prepare($0) })
    }

    /// The rest of a fetch whose answer is not a whole held module: streams, revalidations,
    /// redirects, negative answers and failures, in a task.
    private func handle(
        _ response: UpstreamResponse, address: CacheAddress, url: String, into flight: Flight, stale: CacheEntry?, now: Double, settle: Settle
    ) async {
        let status = Int(response.status.code)
        let headers = response.headers
        do {
            switch status {
            case 200:
                try await receive(response, address: address, into: flight, now: now, settle: settle)
                return
            case 304 where stale != nil:
                var entry = stale!
                entry.storedAt = now
                entry.freshUntil = now + configuration.freshness.lifetime(cacheControl: headers.first(name: "cache-control"))
                if let etag = headers.first(name: "etag") { entry.upstreamETag = etag }
                metrics.revalidated.increment()
                try await store(entry, body: .kept)
                settle { $0.publish(.stored(entry)) }
            case 301, 302, 303, 307, 308:
                _ = try? await response.body.collect(upTo: 1 << 20)
                let location = try redirectTarget(headers.first(name: "location"), from: url, address: address)
                let entry = CacheEntry(
                    key: address.key, status: status, contentType: nil, location: location, upstreamETag: nil, lastModified: nil,
                    body: nil, storedAt: now, freshUntil: freshness(for: address, headers: headers, now: now)
                )
                try await store(entry, body: .none)
                settle { $0.publish(.stored(entry)) }
            case 404, 410:
                _ = try? await response.body.collect(upTo: 1 << 20)
                let entry = CacheEntry(
                    key: address.key, status: 404, contentType: nil, location: nil, upstreamETag: nil, lastModified: nil,
                    body: nil, storedAt: now, freshUntil: now + configuration.freshness.negativeLifetime / .seconds(1)
                )
                try await store(entry, body: .none)
                settle { $0.publish(.stored(entry)) }
            default:
                _ = try? await response.body.collect(upTo: 1 << 20)
                metrics.upstreamErrors.increment()
                settle { $0.fail(EdgeCacheError(.upstreamStatus(status), "\(url) answered \(status)")) }
            }
        } catch let error as EdgeCacheError {
            settle { $0.fail(error) }
        } catch {
            settle { $0.fail(EdgeCacheError(.storage, "storing \(address) failed: \(error)")) }
        }
    }

    /// Streams a 200 body into a blob and into the flight; commits the entry only when every
    /// byte arrived (matching Content-Length when the upstream gave one). A JavaScript body up to
    /// `maxRelinkedSize` is held back until it is complete: if it has root-relative specifiers, what
    /// Wharf serves is the relinked copy, so no reader may see the upstream's bytes first.
    private func receive(
        _ response: UpstreamResponse, address: CacheAddress, into flight: Flight, now: Double,
        settle: Settle
    ) async throws {
        let headers = response.headers
        let limit = configuration.maxObjectSize
        var expected = headers.first(name: "content-length").flatMap(Int.init)
        if let expected, expected > limit {
            throw EdgeCacheError(.objectTooLarge, "\(address) is \(expected) bytes, over max_object_size (\(limit))")
        }
        // Wharf asks for `identity`; an upstream may encode anyway. Decoded bytes are stored, never
        // the encoded ones under a plain type; a coding zlib cannot decode is refused.
        let coding = contentCoding(headers)
        if let coding, !ContentDecoding.canDecode(coding) {
            throw EdgeCacheError(.upstreamUnavailable, "\(address): the upstream answered Content-Encoding: \(coding), which Wharf cannot decode; not stored")
        }
        let (contentType, lastModified) = describe(headers, address: address, now: now)
        let writer = blobs.makeWriter()
        var servedWriter: BlobWriter? = nil
        flight.begin(pendingID: writer.id)
        var held: [UInt8]? = MediaType.isJavaScript(contentType) && (coding != nil || (expected ?? 0) <= configuration.maxRelinkedSize) ? [] : nil
        // A held body that fits one chunk never goes through the writer: it is written with its
        // entry in one transaction (`PreparedBlob`), so a small miss costs one commit, not two.
        var deferred = held != nil
        var received = 0
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
            if received + buffer.readableBytes > limit {
                throw EdgeCacheError(.objectTooLarge, "\(address) exceeds max_object_size (\(limit))")
            }
            received += buffer.readableBytes
            if !deferred { buffer.withUnsafeReadableBytes { writer.append($0) } }
            if held != nil {
                held! += buffer.readableBytesView
                let tooLarge = held!.count > configuration.maxRelinkedSize
                if deferred, tooLarge || held!.count > blobs.chunkSize {
                    deferred = false
                    writer.append(held!)
                }
                if tooLarge {
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
            if let expected, received != expected {
                throw EdgeCacheError(.upstreamUnavailable, "\(address): the upstream sent \(received) of \(expected) bytes")
            }
            // Cancelled by a drain that ran out of time: whatever arrived may be short of the end.
            try Task.checkCancellation()
            let entry = entry200(headers, contentType: contentType, lastModified: lastModified, address: address, now: now)
            if deferred, let held {
                let bodies = self.held(held, address: address)
                await withCheckedContinuation { done in
                    answerThenStore(entry, held: bodies, address: address, into: flight) { done.resume() }
                }
                return
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
            let stored = try await store(entry, body: .streamed(finished, served: served))
            if held != nil {
                settle { $0.publish(.stored(stored)) }
            } else {
                settle { $0.finish(stored.body!) }
            }
        } catch let error as EdgeCacheError {
            await writer.abort()
            await servedWriter?.abort()
            metrics.upstreamErrors.increment()
            logger.warning("upstream body failed mid-way; nothing stored", metadata: ["url": "\(address)", "bytes": "\(received)", "error": "\(error.message)"])
            throw error
        } catch let error as StorageError {
            await writer.abort()
            await servedWriter?.abort()
            throw EdgeCacheError(.storage, "storing \(address) failed: \(error)")
        } catch {
            await writer.abort()
            await servedWriter?.abort()
            metrics.upstreamErrors.increment()
            logger.warning("upstream body failed mid-way; nothing stored", metadata: ["url": "\(address)", "bytes": "\(received)", "error": "\(error)"])
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

    /// The body an entry is stored with, and its served (relinked) copy when it has one.
    private enum NewBody: Sendable {
        /// Streamed through a `BlobWriter`: its chunks are in the store, pending.
        case streamed(FinishedBlob, served: FinishedBlob?)
        /// Held whole in memory: written in the entry's own transaction.
        case prepared(BlobStore.PreparedBlob, served: BlobStore.PreparedBlob?)
        /// The stored entry's bodies stay (a revalidation).
        case kept
        /// No body (a redirect or a negative answer).
        case none

        var keepsOld: Bool {
            if case .kept = self { return true }
            return false
        }
    }

    /// Writes `entry` with `body` and releases the bodies it replaces, in one transaction: the
    /// record is the commit point. `then` runs on the store's writer once it committed.
    private func store(_ entry: CacheEntry, body: NewBody, then: @escaping @Sendable (Result<CacheEntry, any Error>) -> Void) {
        let key = StoreKey.make(entry.key)
        let blobs = blobs, entries = entries
        blobs.environment.write({ txn in
            var entry = entry
            let old = try txn.withValue(entries, key: key, CacheEntry.decode)
            switch body {
            case .streamed(let blob, let served):
                entry.body = try blobs.commit(blob, in: txn)
                entry.served = try served.map { try blobs.commit($0, in: txn) }
            case .prepared(let blob, let served):
                entry.body = try blobs.commit(blob, in: txn)
                entry.served = try served.map { try blobs.commit($0, in: txn) }
            case .kept:
                entry.body = old?.body
                entry.served = old?.served
            case .none:
                break
            }
            if let old, !body.keepsOld {
                for body in old.blobs { try blobs.release(body, in: txn) }
            }
            try txn.put(entries, key: key, value: entry.encoded())
            return entry
        }, then: then)
    }

    @discardableResult
    private func store(_ entry: CacheEntry, body: NewBody) async throws -> CacheEntry {
        try await withCheckedThrowingContinuation { continuation in
            store(entry, body: body) { continuation.resume(with: $0) }
        }
    }
}
