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
    public var lastModified: String?
    public var body: BlobRef?
    public var storedAt: Double
    /// `.infinity` for exact-version URLs.
    public var freshUntil: Double

    public var isImmutable: Bool { freshUntil == .infinity }
    public func isFresh(at now: Double) -> Bool { now < freshUntil }
    /// Seconds left of freshness, for the Cache-Control Wharf sends.
    public func remainingLifetime(at now: Double) -> Int { max(0, Int(min(freshUntil - now, 31_536_000))) }
    public var size: Int { body?.size ?? 0 }

    /// A strong validator derived from the stored bytes, not from the upstream.
    public var etag: String? { body.map { "\"\($0.sha256Hex)\"" } }

    static let formatTag: UInt8 = 1

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
        return writer.bytes
    }

    public static func decode(_ raw: UnsafeRawBufferPointer) throws -> CacheEntry {
        var reader = ByteReader(raw)
        guard try reader.read(UInt8.self) == formatTag else { throw StorageError(.corruptRecord, operation: "cache entry") }
        let key = try reader.readString()
        let status = Int(try reader.read(UInt16.self))
        let contentType = try reader.readOptionalString()
        let location = try reader.readOptionalString()
        let etag = try reader.readOptionalString()
        let lastModified = try reader.readOptionalString()
        let body = try reader.readBool() ? try BlobRef.decode(from: &reader) : nil
        return CacheEntry(
            key: key, status: status, contentType: contentType, location: location, upstreamETag: etag,
            lastModified: lastModified, body: body, storedAt: try reader.readDouble(), freshUntil: try reader.readDouble()
        )
    }
}
