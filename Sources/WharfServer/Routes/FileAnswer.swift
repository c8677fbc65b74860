import EdgeCache
import Foundation
import HTTPTypes
import Registry
import Storage

/// Every header rule of an answer about a file whose bytes Wharf holds (an edge-cache entry or a
/// published file), in one place: the routed path (`StoredFileResponse`) and the hot path
/// (`HotPathHandler`) both build their 200, 206, 304 and 416 heads here, so no rule is written twice.
struct FileAnswer: Sendable {
    /// What every outcome carries: the caller's headers (Cache-Control, CORS, X-Cache,
    /// Last-Modified), the active-content guard, ETag and Accept-Ranges.
    let headers: HTTPFields
    let contentType: String
    let etag: String
    let size: Int

    /// `base` holds what the caller decides; the file's own headers are added here.
    init(base: HTTPFields, contentType: String, etag: String, size: Int) {
        var headers = base
        Self.guardActiveContent(&headers, contentType: contentType)
        headers[.eTag] = etag
        headers[.acceptRanges] = "bytes"
        self.headers = headers
        self.contentType = contentType
        self.etag = etag
        self.size = size
    }

    /// A stored blob's answer: its ETag is the content hash.
    init(base: HTTPFields, contentType: String, ref: BlobRef) {
        self.init(base: base, contentType: contentType, etag: "\"\(ref.sha256Hex)\"", size: ref.size)
    }

    // MARK: the callers' headers

    static let immutable = "public, max-age=31536000, immutable"
    static let xCache = HTTPField.Name("X-Cache")!

    /// What an edge-cache answer of any status carries: CORS, Cache-Control from the entry's
    /// freshness, X-Cache from where it came from.
    static func cdnHeaders(_ entry: CacheEntry, source: CacheResponse.Source, now: Double) -> HTTPFields {
        var headers: HTTPFields = [:]
        headers.reserveCapacity(12)
        headers[.accessControlAllowOrigin] = "*"
        headers[.cacheControl] = entry.isImmutable ? immutable : "public, max-age=\(entry.remainingLifetime(at: now))"
        headers[xCache] = source.rawValue
        return headers
    }

    /// The validator of every edge-cache 200, the streamed first answer's included.
    static func lastModified(of entry: CacheEntry) -> String {
        entry.lastModified ?? HTTPDate.format(entry.storedAt)
    }

    /// An edge-cache 200 whose bytes are stored.
    static func cdn(_ entry: CacheEntry, source: CacheResponse.Source, ref: BlobRef, now: Double) -> FileAnswer {
        var headers = cdnHeaders(entry, source: source, now: now)
        headers[.lastModified] = lastModified(of: entry)
        return FileAnswer(base: headers, contentType: entry.contentType ?? "application/octet-stream", ref: ref)
    }

    /// A file of a published version (Eik or JSR): immutable, CORS, text and JSON as UTF-8.
    static func published(_ file: PublishedFile) -> FileAnswer {
        let mime = file.mimeType
        let isText = mime.hasPrefix("text/") || mime.hasSuffix("json")
        let contentType = isText && !mime.contains("charset") ? mime + "; charset=utf-8" : mime
        return FileAnswer(base: [.cacheControl: immutable, .accessControlAllowOrigin: "*"], contentType: contentType, ref: file.blob)
    }

    /// Upstream and published HTML, SVG and XML could run script on Wharf's origin, the one whose
    /// `/auth` page asks for a user's key: they keep their type but are sandboxed (CSP `sandbox`:
    /// no script, an opaque origin), and no file is type-sniffed into something else.
    static func guardActiveContent(_ headers: inout HTTPFields, contentType: String) {
        headers[.xContentTypeOptions] = "nosniff"
        if isActive(contentType) { headers[.contentSecurityPolicy] = "sandbox" }
    }

    /// `text/html`, `image/svg+xml`, `…/xml`, `…+xml` (any case, parameters ignored). Byte by byte:
    /// it runs on every routed hit, where Foundation's trimming and lowercasing would cost microseconds.
    static func isActive(_ contentType: String) -> Bool {
        var utf8 = contentType.utf8[...]
        while utf8.first == UInt8(ascii: " ") { utf8 = utf8.dropFirst() }
        let type = utf8.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") }.map { $0 | 0x20 }  // ASCII lowercase (letters only matter)
        func ends(_ suffix: String) -> Bool { type.count >= suffix.utf8.count && type.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) }
        return type.elementsEqual("text/html".utf8) || ends("/xml") || ends("+xml")
    }

    // MARK: the request's conditions

    enum Outcome: Equatable {
        case notModified
        case full
        case partial(Range<Int>)
        case unsatisfiable
    }

    /// `If-None-Match` → 304; else `If-Modified-Since` → 304 (it counts only without
    /// If-None-Match, RFC 9110 §13.1.3); else a single `Range` (honoured when `If-Range` names this ETag).
    func outcome(of request: HTTPFields) -> Outcome {
        if let condition = request[.ifNoneMatch] {
            if ETagMatch.matches(condition, etag: etag) { return .notModified }
        } else if let since = request[.ifModifiedSince], let modified = headers[.lastModified], NotModifiedSince.holds(since, lastModified: modified) {
            return .notModified
        }
        if let header = request[.range], request[.ifRange].map({ $0 == etag }) ?? true {
            switch ByteRange.parse(header, size: size) {
            case .satisfiable(let range): return .partial(range)
            case .unsatisfiable: return .unsatisfiable
            case .ignored: break
            }
        }
        return .full
    }

    /// Whether `request` can be answered with the plain 200 without asking `outcome` (no header
    /// that could change it).
    static func isUnconditional(_ request: HTTPFields) -> Bool {
        !request.contains(.ifNoneMatch) && !request.contains(.ifModifiedSince) && !request.contains(.range)
    }

    /// The status and headers of `outcome`, and the span of the body it sends (nil: none).
    func head(_ outcome: Outcome) -> (status: HTTPResponse.Status, headers: HTTPFields, span: Range<Int>?) {
        var headers = headers
        switch outcome {
        case .notModified:
            // No Content-Length: NIO's encoder drops it from a 304 on the routed path too.
            return (.notModified, headers, nil)
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentLength] = "0"
            return (.rangeNotSatisfiable, headers, nil)
        case .full:
            headers[.contentType] = contentType
            headers[.contentLength] = String(size)
            return (.ok, headers, 0..<size)
        case .partial(let range):
            headers[.contentType] = contentType
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)"
            headers[.contentLength] = String(range.count)
            return (.partialContent, headers, range)
        }
    }
}
