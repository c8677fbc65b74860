import EdgeCache
import HTTPTypes
import Hummingbird
import Registry
import Storage

/// Answers a request for a file whose bytes are in the store: strong ETag from the content hash,
/// `If-None-Match` → 304, byte ranges → 206/416, HEAD without a body. Shared by the edge cache
/// and the registries.
struct StoredFileResponse {
    let blobs: BlobStore
    let metrics: ServerMetrics

    /// A file of a published version (Eik or JSR): immutable, CORS, text and JSON as UTF-8.
    func respond(to request: Request, published file: PublishedFile, preloaded bytes: [UInt8]?) -> Response {
        let mime = file.mimeType
        let isText = mime.hasPrefix("text/") || mime.hasSuffix("json")
        let contentType = isText && !mime.contains("charset") ? mime + "; charset=utf-8" : mime
        let headers: HTTPFields = [.cacheControl: "public, max-age=31536000, immutable", .accessControlAllowOrigin: "*"]
        return respond(to: request, ref: file.blob, contentType: contentType, preloaded: bytes.map { ByteBuffer(bytes: $0) }, headers: headers)
    }

    /// Upstream and published HTML, SVG and XML could run script on Wharf's origin, the one whose
    /// `/auth` page asks for a user's key: they keep their type but are sandboxed (CSP `sandbox`:
    /// no script, an opaque origin), and no file is type-sniffed into something else.
    static func guardActiveContent(_ headers: inout HTTPFields, contentType: String) {
        headers[.xContentTypeOptions] = "nosniff"
        if isActive(contentType) { headers[.contentSecurityPolicy] = "sandbox" }
    }

    /// `text/html`, `image/svg+xml`, `…/xml`, `…+xml` (any case, parameters ignored). Byte by byte:
    /// it runs on every hit, where Foundation's trimming and lowercasing would cost microseconds.
    static func isActive(_ contentType: String) -> Bool {
        var utf8 = contentType.utf8[...]
        while utf8.first == UInt8(ascii: " ") { utf8 = utf8.dropFirst() }
        let type = utf8.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") }.map { $0 | 0x20 }  // ASCII lowercase (letters only matter)
        func ends(_ suffix: String) -> Bool { type.count >= suffix.utf8.count && type.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) }
        return type.elementsEqual("text/html".utf8) || ends("/xml") || ends("+xml")
    }

    /// `headers` already holds what the caller decides (Cache-Control, CORS, X-Cache…).
    func respond(to request: Request, ref: BlobRef, contentType: String, preloaded: ByteBuffer?, headers: HTTPFields) -> Response {
        var headers = headers
        Self.guardActiveContent(&headers, contentType: contentType)
        let etag = "\"\(ref.sha256Hex)\""
        headers[.eTag] = etag
        headers[.acceptRanges] = "bytes"
        if let condition = request.headers[.ifNoneMatch] {
            if ETagMatch.matches(condition, etag: etag) { return Response(status: .notModified, headers: headers) }
        } else if let since = request.headers[.ifModifiedSince], let modified = headers[.lastModified], NotModifiedSince.holds(since, lastModified: modified) {
            // If-Modified-Since counts only without If-None-Match (RFC 9110 §13.1.3).
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = contentType
        var range: Range<Int>? = nil
        if let header = request.headers[.range], request.headers[.ifRange].map({ $0 == etag }) ?? true {
            switch ByteRange.parse(header, size: ref.size) {
            case .satisfiable(let r): range = r
            case .unsatisfiable:
                headers[.contentRange] = "bytes */\(ref.size)"
                headers[.contentLength] = "0"
                headers[.contentType] = nil
                return Response(status: .rangeNotSatisfiable, headers: headers)
            case .ignored: break
            }
        }
        let status: HTTPResponse.Status = range == nil ? .ok : .partialContent
        let span = range ?? 0..<ref.size
        if let range { headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(ref.size)" }
        headers[.contentLength] = String(span.count)
        if request.method == .head { return Response(status: status, headers: headers) }
        metrics.bytesServed.increment(by: Int64(span.count))
        if let preloaded {
            let slice = range == nil ? preloaded : preloaded.getSlice(at: preloaded.readerIndex + span.lowerBound, length: span.count)!
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: slice))
        }
        let body = StoredBody(blobs: blobs, ref: ref, range: span)
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: span.count) { writer in
            for try await buffer in body { try await writer.write(buffer) }
            try await writer.finish(nil)
        })
    }
}
