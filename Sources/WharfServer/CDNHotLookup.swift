import EdgeCache
import Foundation
import NIOCore
import Synchronization
import URLLayout

/// The `/cdn/` lookups `HotPathHandler` runs itself, for requests the hot cache does not hold: a
/// store hit or a fetched miss whose body is one stored chunk is answered on the event loop, by
/// the same `FileAnswer` rules as `CDNRoutes`; any other outcome (a redirect, a 404, a streamed
/// body, an error) goes on to `CDNRoutes` with the outcome attached (`handOff`), so nothing is
/// looked up or fetched twice. A cold miss then costs no router, no request task, no async body.
final class CDNHotLookup: Sendable {
    let cache: EdgeCache
    let hot: HotCache
    /// Outcomes waiting for `CDNRoutes`, by connection: one at most, as the hot path hands a
    /// looked-up request on only while nothing else of its connection is unanswered.
    let handOff = HandOff()

    init(cache: EdgeCache, hot: HotCache) {
        self.cache = cache
        self.hot = hot
    }

    enum Outcome: Sendable {
        /// Answer with this entry (its hits counted already).
        case answer(HotEntry)
        /// Hand the request on with this outcome (put in `handOff` just before, on the event loop,
        /// while the connection is open: its identity is then unique).
        case handOn(Result<CacheResponse, EdgeCacheError>)
    }

    /// The edge-cache address of a raw request target, and the target as text; nil when it is not
    /// a `/cdn/` path (told on its bytes, before any string is made) or Wharf refuses it (then
    /// `CDNRoutes` says why).
    func address(of target: ByteBuffer) -> (address: CacheAddress, target: String)? {
        guard target.readableBytesView.starts(with: WharfURLs.cdnPrefix.utf8) else { return nil }
        let text = String(buffer: target)
        // As Hummingbird's URI reads it: the path up to `?`, the query up to `#`, nothing decoded.
        let path: Substring, query: String?
        if let mark = text.firstIndex(of: "?") {
            path = text[..<mark]
            query = String(text[text.index(after: mark)...].prefix { $0 != "#" })
        } else {
            path = Substring(text)
            query = nil
        }
        guard let address = try? CacheAddress.parse(path.dropFirst(WharfURLs.cdnPrefix.count), query: query, upstreams: cache.configuration.upstreams) else {
            return nil
        }
        return (address, text)
    }

    /// Looks `address` up and calls `then` (on any thread) with what to do with the request.
    func lookup(_ address: CacheAddress, target: String, then: @escaping @Sendable (Outcome) -> Void) {
        let generation = hot.generation
        cache.lookup(address) { [self] result in
            guard case .success(let answer) = result, answer.entry.status == 200, case .stored(let ref, let preloaded?) = answer.body else {
                return then(.handOn(result))
            }
            let now = Date.now.timeIntervalSince1970
            let file = FileAnswer.cdn(answer.entry, source: answer.source, ref: ref, now: now)
            // Only immutable hits go hot (as in `CDNRoutes`): their answer does not change with time.
            if answer.source == .hit, answer.entry.isImmutable, hot.isEnabled {
                hot.insert(HotEntry(target: target, purgeKey: address.key, answer: file, body: preloaded, isEdgeCacheHit: true), generation: generation)
            }
            then(.answer(HotEntry(target: target, purgeKey: address.key, answer: file, body: preloaded, isEdgeCacheHit: false)))
        }
    }

    /// Outcomes of lookups the hot path ran, waiting for the routed request they belong to.
    final class HandOff: Sendable {
        private let waiting = Mutex<[ObjectIdentifier: (target: String, outcome: Result<CacheResponse, EdgeCacheError>)]>([:])

        func put(_ outcome: Result<CacheResponse, EdgeCacheError>, target: String, connection: ObjectIdentifier) {
            waiting.withLock { $0[connection] = (target, outcome) }
        }

        /// The outcome looked up for `target` on `connection`, once.
        func take(target: String, connection: ObjectIdentifier) -> Result<CacheResponse, EdgeCacheError>? {
            waiting.withLock { waiting in
                guard let entry = waiting[connection], entry.target == target else { return nil }
                waiting[connection] = nil
                return entry.outcome
            }
        }

        /// The connection is gone: what waited for it goes too.
        func drop(connection: ObjectIdentifier) {
            waiting.withLock { $0[connection] = nil }
        }
    }
}
