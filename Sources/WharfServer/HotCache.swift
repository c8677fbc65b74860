import HTTPTypes
import NIOCore
import Synchronization

/// A bounded in-memory copy of the hottest immutable files, keyed by the raw request target
/// (`/cdn/ga.jspm.io/npm:x@1.0.0/index.js`, `/pkg/…`, `/@s/n/1.0.0/mod.js`), with each 200 head
/// pre-encoded, so `HotPathHandler` answers a hit on the event loop without the router.
///
/// Filled by the routes on a hit they answered from the store (only immutable 200s whose body is
/// one chunk); evicted by size and recency; emptied of a prefix by `invalidate` after a purge or a
/// deletion commits. A fill that read the store before an invalidation is refused (the generation
/// it saw is gone), so a purge is never followed by a stale answer.
final class HotCache: Sendable {
    /// At most this many bytes of entries (bodies, heads and bookkeeping); 0: off.
    let capacity: Int
    /// Purges committed by other processes sharing the store; nil when nothing else writes it.
    private let feed: PurgeFeed?
    private let state = Mutex(State())

    private struct State {
        var entries: [ByteBuffer: HotEntry] = [:]
        var bytes = 0
        var generation: UInt64 = 0
    }

    init(capacity: Int, feed: PurgeFeed? = nil) {
        self.capacity = max(0, capacity)
        self.feed = feed
    }

    var isEnabled: Bool { capacity > 0 }

    /// Read before the store is read for a fill; hand it to `insert`.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// `target`: the request target's bytes as the client sent them.
    func lookup(_ target: ByteBuffer) -> HotEntry? {
        guard isEnabled else { return nil }
        feed?.catchUp { prefix in invalidate(prefix: prefix ?? "") }
        let entry = state.withLock { $0.entries[target] }
        entry?.touch()
        return entry
    }

    /// Keeps `entry` unless something was invalidated since `generation` was read, or it is larger
    /// than a quarter of the bound. Evicts the least recently used entries to stay in the bound.
    func insert(_ entry: HotEntry, generation: UInt64) {
        guard isEnabled, entry.cost <= capacity / 4 else { return }
        entry.touch()
        state.withLock { state in
            guard state.generation == generation, state.entries[entry.key] == nil else { return }
            if state.bytes + entry.cost > capacity { Self.evict(&state, toFit: entry.cost, capacity: capacity) }
            state.entries[entry.key] = entry
            state.bytes += entry.cost
        }
    }

    /// Drops every entry whose purge key starts with `prefix` ("": all), and refuses fills begun before.
    func invalidate(prefix: String) {
        state.withLock { state in
            state.generation &+= 1
            for (key, entry) in state.entries where entry.purgeKey.hasPrefix(prefix) {
                state.entries[key] = nil
                state.bytes -= entry.cost
            }
        }
    }

    func lookup(_ target: String) -> HotEntry? { lookup(ByteBuffer(string: target)) }

    /// Bytes held and entries, for tests and `/metrics`.
    var usage: (bytes: Int, entries: Int) { state.withLock { ($0.bytes, $0.entries.count) } }

    /// Least recently used first, down to 3/4 of the bound (so a full cache does not sort on every fill).
    private static func evict(_ state: inout State, toFit cost: Int, capacity: Int) {
        let target = min(capacity - cost, capacity * 3 / 4)
        let byAge = state.entries.values.sorted { $0.lastUsed.load(ordering: .relaxed) < $1.lastUsed.load(ordering: .relaxed) }
        for entry in byAge where state.bytes > target {
            state.entries[entry.key] = nil
            state.bytes -= entry.cost
        }
    }
}

/// One hot file: its answer's rules, its body, and the encoded head of its plain 200.
final class HotEntry: Sendable {
    /// The raw request target it answers, and its bytes (the key).
    let target: String
    let key: ByteBuffer
    /// What a purge names: `host/path` of the edge-cache key, `jsr:@scope/name/…` or `eik:…`.
    let purgeKey: String
    let answer: FileAnswer
    let body: ByteBuffer
    /// `HTTP/1.1 200 OK` and every header of the plain 200 but `Date`, each line ending in CRLF.
    let head: ByteBuffer
    /// Whether a hit counts as an edge-cache hit (`wharf_cache_hits_total`).
    let isEdgeCacheHit: Bool
    let cost: Int
    /// When it was last answered, in ticks of about a millisecond: written at most once a tick, so
    /// two event loops hitting one file do not fight over its cache line on every request.
    let lastUsed = Atomic<UInt64>(0)

    func touch() {
        let now = NIODeadline.now().uptimeNanoseconds >> 20
        if lastUsed.load(ordering: .relaxed) != now { lastUsed.store(now, ordering: .relaxed) }
    }

    init(target: String, purgeKey: String, answer: FileAnswer, body: ByteBuffer, isEdgeCacheHit: Bool) {
        self.target = target
        self.key = ByteBuffer(string: target)
        self.purgeKey = purgeKey
        self.answer = answer
        self.body = body
        let (status, headers, _) = answer.head(.full)
        let head = HeadEncoding.encode(status, headers)
        self.head = head
        self.isEdgeCacheHit = isEdgeCacheHit
        // The answer's fields are counted roughly, as the head they encode.
        self.cost = body.capacity + 2 * head.capacity + 2 * target.utf8.count + purgeKey.utf8.count + 256
    }
}

/// HTTP/1.1 response heads as bytes, the way NIO's encoder writes them (`name: value` lines).
enum HeadEncoding {
    /// The status line and `headers`, without the final empty line.
    static func encode(_ status: HTTPResponse.Status, _ headers: HTTPFields) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        buffer.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
        for field in headers {
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        return buffer
    }
}
