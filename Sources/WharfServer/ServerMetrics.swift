import EdgeCache
import Metrics
import Prometheus

/// The server's own Prometheus registry: one per server, so tests can run several in a process.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let bytesServed: Prometheus.Counter
    let requests: Prometheus.Counter
    let storeUsedBytes: Prometheus.Gauge
    let storeMapBytes: Prometheus.Gauge
    let cacheEntries: Prometheus.Gauge

    init() {
        bytesServed = registry.makeCounter(name: "wharf_bytes_served_total", help: "Body bytes sent to clients")
        requests = registry.makeCounter(name: "wharf_http_requests_total", help: "HTTP requests answered")
        storeUsedBytes = registry.makeGauge(name: "wharf_store_used_bytes", help: "Bytes of the LMDB map in use")
        storeMapBytes = registry.makeGauge(name: "wharf_store_map_bytes", help: "Current LMDB map size")
        cacheEntries = registry.makeGauge(name: "wharf_cache_entries", help: "Entries in the edge cache")
    }

    /// A swift-metrics factory on this registry, for the domain targets.
    var factory: any MetricsFactory { PrometheusMetricsFactory(registry: registry) }
}
