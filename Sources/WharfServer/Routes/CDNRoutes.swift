import Foundation
import EdgeCache
import HTTPTypes
import Hummingbird
import Logging
import Storage
import URLLayout

/// `GET/HEAD /cdn/{host}/{path…}`: files of allowlisted CDN hosts through the edge cache.
/// Handled before the router so the raw path (with any `//` or encodings) is seen exactly once.
struct CDNRoutes: RouterMiddleware {
    typealias Context = WharfRequestContext

    let cache: EdgeCache
    let urls: WharfURLs
    let files: StoredFileResponse
    /// The access log's logger: a streamed answer cut by its upstream is recorded there.
    let logger: Logger
    /// What the hot path already looked up for a request it handed on.
    let handOff: CDNHotLookup.HandOff

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix(WharfURLs.cdnPrefix) else { return try await next(request, context) }
        guard request.method == .get || request.method == .head else {
            var error = WharfHTTPError(.methodNotAllowed, "\(request.method) is not allowed on \(WharfURLs.cdnPrefix); use GET or HEAD")
            error.extraHeaders[.allow] = "GET, HEAD"
            throw error
        }
        let address = try CacheAddress.parse(path.dropFirst(WharfURLs.cdnPrefix.count), query: request.uri.query, upstreams: cache.configuration.upstreams)
        let generation = files.hot.generation
        // A request the hot path looked up and handed on is answered from that outcome, never
        // looked up (or fetched) again. Its body is never one preloaded chunk, so it never fills.
        let answer: CacheResponse
        if let looked = handOff.take(target: request.head.path ?? "", connection: context.connection) {
            answer = try looked.get()
        } else {
            answer = try await cache.lookup(address)
        }
        return respond(answer, to: request, address: address, generation: generation)
    }

    private func respond(_ answer: CacheResponse, to request: Request, address: CacheAddress, generation: UInt64) -> Response {
        let entry = answer.entry
        let now = Date.now.timeIntervalSince1970
        var headers = FileAnswer.cdnHeaders(entry, source: answer.source, now: now)

        switch entry.status {
        case 301, 302, 303, 307, 308:
            headers[.location] = urls.base + (entry.location ?? "/")
            headers[.contentLength] = "0"
            return Response(status: .init(code: entry.status), headers: headers)
        case 200:
            break
        default:
            var error = WharfHTTPError(.notFound, "not found upstream: \(address)")
            error.cacheControl = headers[.cacheControl]!
            error.extraHeaders[FileAnswer.xCache] = answer.source.rawValue
            return error.makeResponse()
        }

        let isHead = request.method == .head
        switch answer.body {
        case .live(let live):
            headers[.contentType] = entry.contentType ?? "application/octet-stream"
            headers[.lastModified] = FileAnswer.lastModified(of: entry)
            FileAnswer.guardActiveContent(&headers, contentType: entry.contentType ?? "")
            if let length = live.contentLength { headers[.contentLength] = String(length) }
            if isHead { return Response(status: .ok, headers: headers) }
            let metrics = files.metrics, logger = logger, path = request.uri.path
            return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: live.contentLength) { writer in
                var sent = 0
                do {
                    for try await buffer in live {
                        try await writer.write(buffer)
                        sent += buffer.readableBytes
                        metrics.bytesServed.increment(by: Int64(buffer.readableBytes))
                    }
                } catch {
                    // The 200 is already out: the client sees a cut body, and the log says so.
                    logger.warning("GET \(path) 200 cut after \(sent) bytes: \(error)")
                    throw error
                }
                try await writer.finish(nil)
            })
        case .none:
            headers[.contentType] = entry.contentType ?? "application/octet-stream"
            headers[.lastModified] = FileAnswer.lastModified(of: entry)
            headers[.contentLength] = "0"
            return Response(status: .ok, headers: headers)
        case .stored(let ref, let preloaded):
            // Only immutable hits go hot: their answer does not change with time.
            let fill = answer.source == .hit && entry.isImmutable
                ? StoredFileResponse.HotFill(purgeKey: address.key, generation: generation, isEdgeCacheHit: true) : nil
            return files.respond(to: request, answer: .cdn(entry, source: answer.source, ref: ref, now: now), ref: ref, preloaded: preloaded, fill: fill)
        }
    }
}
