import EdgeCache
import Hummingbird

/// `/healthz` and `/metrics`.
struct OperationsRoutes {
    let cache: EdgeCache
    let metrics: ServerMetrics
    let hot: HotCache

    func register(on router: Router<WharfRequestContext>) {
        router.on("/healthz", method: .get) { _, _ in health() }
        router.on("/healthz", method: .head) { _, _ in health() }
        router.get("/metrics") { _, _ in try scrape() }
    }

    private func health() -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"], body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
    }

    private func scrape() throws -> Response {
        let store = try cache.environment.statistics()
        metrics.storeUsedBytes.set(Int64(store.usedBytes))
        metrics.storeMapBytes.set(Int64(store.mapSize))
        metrics.cacheEntries.set(Int64(try cache.maintenance.entryCount()))
        metrics.foldHotPath(into: cache, usage: hot.usage)
        let text = metrics.registry.emitToBuffer()
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: text))
        )
    }
}
