import Storage

/// One cached answer of an upstream: a body (200), a redirect, or a negative answer (404).
/// Writing this record is the commit point: it only ever points at a complete, committed blob.
public struct CacheEntry: Sendable, Equatable {
    public var key: String
    public var status: Int
    public var contentType: String?
    /// For redirects: the target as a Wharf path (`/cdn/host/path`), never an upstream URL.
    public var location: String?
    public var upstreamETag: String?
    /// The upstream's `Last-Modified`, or the time Wharf fetched the body when it sent none:
    /// every stored 200 has a validator (RFC 9111 lets a cache use its fetch time).
    public var lastModified: String?
    /// The upstream's bytes, unchanged (what integrity hashes of the CDN URL describe).
    public var body: BlobRef?
    /// What Wharf serves when it differs from `body`: a module whose root-relative specifiers were
    /// made relative, so it loads under `/cdn/{host}/` and from an exported folder.
    public var served: BlobRef?
    public var storedAt: Double
    /// `.infinity` for exact-version URLs.
    public var freshUntil: Double

    public var isImmutable: Bool { freshUntil == .infinity }
    public func isFresh(at now: Double) -> Bool { now < freshUntil }
    /// Seconds left of freshness, for the Cache-Control Wharf sends.
    public func remainingLifetime(at now: Double) -> Int { max(0, Int(min(freshUntil - now, 31_536_000))) }
    public var size: Int { body?.size ?? 0 }

    /// The bytes `/cdn/` serves: the relinked module, or the upstream's bytes.
    public var servedBody: BlobRef? { served ?? body }

    /// Every blob the entry holds, to release when it goes.
    var blobs: [BlobRef] { [body, served].compactMap { $0 } }

    /// A strong validator derived from the served bytes, not from the upstream.
    public var etag: String? { servedBody.map { "\"\($0.sha256Hex)\"" } }

    /// Format 2 added `served`; format 1 records (without it) are still read.
    static let formatTag: UInt8 = 2

    public init(
        key: String, status: Int, contentType: String?, location: String?, upstreamETag: String?, lastModified: String?,
        body: BlobRef?, served: BlobRef? = nil, storedAt: Double, freshUntil: Double
    ) {
        self.key = key
        self.status = status
        self.contentType = contentType
        self.location = location
        self.upstreamETag = upstreamETag
        self.lastModified = lastModified
        self.body = body
        self.served = served
        self.storedAt = storedAt
        self.freshUntil = freshUntil
    }

    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 160 + key.utf8.count)
        writer.write(Self.formatTag)
        writer.write(key)
        writer.write(UInt16(status))
        writer.write(optional: contentType)
        writer.write(optional: location)
        writer.write(optional: upstreamETag)
        writer.write(optional: lastModified)
        writer.write(body != nil)
        body?.encode(into: &writer)
        writer.write(storedAt)
        writer.write(freshUntil)
        writer.write(served != nil)
        served?.encode(into: &writer)
        return writer.bytes
    }

    public static func decode(_ raw: UnsafeRawBufferPointer) throws -> CacheEntry {
        var reader = ByteReader(raw)
        let format = try reader.read(UInt8.self)
        guard format == 1 || format == formatTag else { throw StorageError(.corruptRecord, operation: "cache entry") }
        let key = try reader.readString()
        let status = Int(try reader.read(UInt16.self))
        let contentType = try reader.readOptionalString()
        let location = try reader.readOptionalString()
        let etag = try reader.readOptionalString()
        let lastModified = try reader.readOptionalString()
        let body = try reader.readBool() ? try BlobRef.decode(from: &reader) : nil
        let storedAt = try reader.readDouble(), freshUntil = try reader.readDouble()
        let hasServed = format >= 2 ? try reader.readBool() : false
        let served = hasServed ? try BlobRef.decode(from: &reader) : nil
        return CacheEntry(
            key: key, status: status, contentType: contentType, location: location, upstreamETag: etag,
            lastModified: lastModified, body: body, served: served, storedAt: storedAt, freshUntil: freshUntil
        )
    }
}
