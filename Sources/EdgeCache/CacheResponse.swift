import NIOCore
import Storage

/// What the cache answers for an address: the entry to describe, where its bytes come from, and how
/// it was obtained (for `X-Cache` and metrics).
public struct CacheResponse: Sendable {
    public enum Source: String, Sendable {
        case hit = "HIT"
        case miss = "MISS"
        /// Joined a fetch another request had started.
        case coalesced = "MISS-SHARED"
        /// Served past its freshness because the upstream failed or Wharf is offline.
        case stale = "STALE"
        /// Stale, confirmed unchanged by the upstream (304).
        case revalidated = "REVALIDATED"
    }

    public let entry: CacheEntry
    public let source: Source
    /// What Wharf serves (`/cdn/`, exports, `provider=local` maps).
    public let body: CacheBody
    /// The upstream's bytes, unchanged: what a map that keeps the CDN's URL describes.
    public let original: CacheBody
}

/// The bytes of a response.
public enum CacheBody: Sendable {
    case none
    /// In the store; `preloaded` holds the whole body when it fits in one chunk (the hot path).
    case stored(BlobRef, preloaded: ByteBuffer?)
    /// Arriving from the upstream right now.
    case live(LiveBody)
}

/// A body still arriving from the upstream, shared with every request for the same key.
public struct LiveBody: Sendable, AsyncSequence {
    public typealias Element = ByteBuffer
    let flight: Flight
    public let contentLength: Int?

    public struct AsyncIterator: AsyncIteratorProtocol {
        let flight: Flight
        var offset = 0

        public mutating func next() async throws -> ByteBuffer? {
            guard let bytes = try await flight.read(from: offset) else { return nil }
            offset += bytes.readableBytes
            return bytes
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(flight: flight) }
}

/// A stored body, or a byte range of it, read one chunk per short read transaction.
public struct StoredBody: Sendable, AsyncSequence {
    public typealias Element = ByteBuffer
    let blobs: BlobStore
    let ref: BlobRef
    let range: Range<Int>

    public init(blobs: BlobStore, ref: BlobRef, range: Range<Int>? = nil) {
        self.blobs = blobs
        self.ref = ref
        self.range = range ?? 0..<ref.size
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let body: StoredBody
        var offset: Int

        public mutating func next() async throws -> ByteBuffer? {
            guard offset < body.range.upperBound else { return nil }
            let chunkSize = body.ref.chunkSize
            let index = offset / chunkSize, within = offset % chunkSize
            let length = Swift.min(chunkSize - within, body.range.upperBound - offset)
            let chunk = try body.blobs.environment.read { txn in
                try body.blobs.withChunk(body.ref.id, index: index, in: txn) { raw in
                    ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: raw[within..<within + length]))
                }
            }
            guard let chunk else { throw StorageError(.invalidBlob, operation: "read chunk \(index) of \(body.ref.id)") }
            offset += length
            return chunk
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self, offset: range.lowerBound) }
}
