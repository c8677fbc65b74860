import EdgeCache
import HTTPTypes
import Hummingbird
import Registry
import Storage

/// Answers a request for a file whose bytes are in the store, by the rules of `FileAnswer`: strong
/// ETag from the content hash, `If-None-Match` → 304, byte ranges → 206/416, HEAD without a body.
/// Shared by the edge cache and the registries; it also fills the hot cache (see `HotCache`).
struct StoredFileResponse {
    let blobs: BlobStore
    let metrics: ServerMetrics
    let hot: HotCache

    /// Where a hot copy of an answer may go: what purges it, the generation read before the store
    /// was, and whether its hits are edge-cache hits.
    struct HotFill {
        let purgeKey: String
        let generation: UInt64
        let isEdgeCacheHit: Bool
    }

    /// A file of a published version (Eik or JSR): immutable, CORS, text and JSON as UTF-8.
    func respond(to request: Request, published file: PublishedFile, preloaded bytes: [UInt8]?, fill: HotFill?) -> Response {
        respond(to: request, answer: .published(file), ref: file.blob, preloaded: bytes.map { ByteBuffer(bytes: $0) }, fill: fill)
    }

    /// `answer` holds what the caller decides (Cache-Control, CORS, X-Cache…). With `fill`, an
    /// answer whose whole body is `preloaded` is kept in the hot cache.
    func respond(to request: Request, answer: FileAnswer, ref: BlobRef, preloaded: ByteBuffer?, fill: HotFill?) -> Response {
        if let fill, let preloaded, hot.isEnabled {
            let entry = HotEntry(target: request.head.path ?? "", purgeKey: fill.purgeKey, answer: answer, body: preloaded, isEdgeCacheHit: fill.isEdgeCacheHit)
            hot.insert(entry, generation: fill.generation)
        }
        let (status, headers, span) = answer.head(answer.outcome(of: request.headers))
        guard let span, request.method != .head else { return Response(status: status, headers: headers) }
        metrics.bytesServed.increment(by: Int64(span.count))
        if let preloaded {
            let slice = span.count == preloaded.readableBytes ? preloaded : preloaded.getSlice(at: preloaded.readerIndex + span.lowerBound, length: span.count)!
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: slice))
        }
        let body = StoredBody(blobs: blobs, ref: ref, range: span)
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: span.count) { writer in
            for try await buffer in body { try await writer.write(buffer) }
            try await writer.finish(nil)
        })
    }
}
