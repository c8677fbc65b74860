import EdgeCache
import Metrics
import NIOCore
import Prometheus
import Synchronization

/// The server's own Prometheus registry: one per server, so tests can run several in a process.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let bytesServed: Prometheus.Counter
    let requests: Prometheus.Counter
    let storeUsedBytes: Prometheus.Gauge
    let storeMapBytes: Prometheus.Gauge
    let cacheEntries: Prometheus.Gauge
    let hotBytes: Prometheus.Gauge
    let hotEntries: Prometheus.Gauge
    /// What the hot path counted, folded into `requests` and `bytesServed` on scrape.
    let hot = HotCounters()

    init() {
        bytesServed = registry.makeCounter(name: "wharf_bytes_served_total", help: "Body bytes sent to clients")
        requests = registry.makeCounter(name: "wharf_http_requests_total", help: "HTTP requests answered")
        storeUsedBytes = registry.makeGauge(name: "wharf_store_used_bytes", help: "Bytes of the LMDB map in use")
        storeMapBytes = registry.makeGauge(name: "wharf_store_map_bytes", help: "Current LMDB map size")
        cacheEntries = registry.makeGauge(name: "wharf_cache_entries", help: "Entries in the edge cache")
        hotBytes = registry.makeGauge(name: "wharf_hot_cache_bytes", help: "Bytes held by the in-memory hot cache")
        hotEntries = registry.makeGauge(name: "wharf_hot_cache_entries", help: "Files held by the in-memory hot cache")
    }

    /// Adds what the hot path counted since the last scrape, and the hot cache's size.
    func foldHotPath(into cache: EdgeCache, usage: (bytes: Int, entries: Int)) {
        let new = hot.takeNew()
        if new.requests > 0 { requests.increment(by: Int64(new.requests)) }
        if new.bytes > 0 { bytesServed.increment(by: Int64(new.bytes)) }
        if new.edgeCacheHits > 0 { cache.countHits(new.edgeCacheHits) }
        hotBytes.set(Int64(usage.bytes))
        hotEntries.set(Int64(usage.entries))
    }

    /// A swift-metrics factory on this registry, for the domain targets.
    var factory: any MetricsFactory { PrometheusMetricsFactory(registry: registry) }
}

/// The hot path's counters: one slot per event loop, written only by that loop (no contended
/// cache line per request), summed and folded into the Prometheus counters on scrape.
final class HotCounters: Sendable {
    final class Slot: Sendable {
        let requests = Atomic<Int>(0)
        let bytes = Atomic<Int>(0)
        let edgeCacheHits = Atomic<Int>(0)
        /// The loop's yield (the slot is the hot path's one object per event loop).
        let tickYield = TickYield()

        /// On the slot's own event loop only: a load and a store, no read-modify-write.
        func count(bytes sent: Int, edgeCacheHit: Bool) {
            requests.store(requests.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
            if sent > 0 { bytes.store(bytes.load(ordering: .relaxed) &+ sent, ordering: .relaxed) }
            if edgeCacheHit { edgeCacheHits.store(edgeCacheHits.load(ordering: .relaxed) &+ 1, ordering: .relaxed) }
        }
    }

    struct Totals: Equatable {
        var requests = 0, bytes = 0, edgeCacheHits = 0
    }

    private let slots = Mutex<[ObjectIdentifier: Slot]>([:])
    /// What earlier scrapes already added to the Prometheus counters.
    private let folded = Mutex(Totals())

    func slot(for eventLoop: any EventLoop) -> Slot {
        slots.withLock { slots in
            if let slot = slots[ObjectIdentifier(eventLoop)] { return slot }
            let slot = Slot()
            slots[ObjectIdentifier(eventLoop)] = slot
            return slot
        }
    }

    var totals: Totals {
        slots.withLock { slots in
            slots.values.reduce(into: Totals()) { totals, slot in
                totals.requests += slot.requests.load(ordering: .relaxed)
                totals.bytes += slot.bytes.load(ordering: .relaxed)
                totals.edgeCacheHits += slot.edgeCacheHits.load(ordering: .relaxed)
            }
        }
    }

    /// What was counted since the last call (two scrapes at once each get their own share).
    func takeNew() -> Totals {
        folded.withLock { folded in
            let now = totals
            let new = Totals(requests: now.requests - folded.requests, bytes: now.bytes - folded.bytes, edgeCacheHits: now.edgeCacheHits - folded.edgeCacheHits)
            folded = now
            return new
        }
    }
}
