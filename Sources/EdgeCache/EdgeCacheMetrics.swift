import Metrics

/// The cache's counters, created on the factory the server hands in (one registry per server).
struct EdgeCacheMetrics: Sendable {
    let hits: Counter
    let misses: Counter
    let coalesced: Counter
    let stale: Counter
    let revalidated: Counter
    let upstreamErrors: Counter
    let upstreamLatency: Metrics.Timer

    init(factory: any MetricsFactory) {
        hits = Counter(label: "wharf_cache_hits_total", factory: factory)
        misses = Counter(label: "wharf_cache_misses_total", factory: factory)
        coalesced = Counter(label: "wharf_cache_coalesced_waits_total", factory: factory)
        stale = Counter(label: "wharf_cache_stale_served_total", factory: factory)
        revalidated = Counter(label: "wharf_cache_revalidations_total", factory: factory)
        upstreamErrors = Counter(label: "wharf_upstream_errors_total", factory: factory)
        upstreamLatency = Metrics.Timer(label: "wharf_upstream_latency_seconds", preferredDisplayUnit: .seconds, factory: factory)
    }
}
