import Crypto

/// A blob whose bytes are all in the store, waiting for `BlobStore.commit`.
public struct FinishedBlob: Sendable {
    public let ref: BlobRef
}

/// Streams one blob into the store: bytes are cut into chunks and each full chunk is written in its
/// own short transaction, so memory stays at one chunk however large the file. Not shared.
public final class BlobWriter: @unchecked Sendable {
    private let store: BlobStore
    public let id = BlobID.random()
    private var hasher = SHA256()
    private var buffer: [UInt8] = []
    private var ready: [[UInt8]] = []
    private var written = 0
    private var chunkIndex = 0
    private var started = false
    private var finished = false

    init(store: BlobStore) {
        self.store = store
        buffer.reserveCapacity(store.chunkSize)
    }

    /// Bytes accepted so far.
    public var byteCount: Int { written + bufferedBytes }

    /// Number of chunks already in the store; chunk `i < flushedChunks` can be read by id.
    public var flushedChunks: Int { chunkIndex }

    /// Takes bytes in (hashing them); full chunks wait in memory until `flush()` writes them.
    public func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "append after finish")
        hasher.update(bufferPointer: bytes)
        var rest = bytes[...]
        while !rest.isEmpty {
            let take = min(store.chunkSize - buffer.count, rest.count)
            buffer.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            if buffer.count == store.chunkSize {
                ready.append(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Bytes held in memory, not yet written: at most one chunk more than the caller let pile up.
    public var bufferedBytes: Int { buffer.count + ready.reduce(0) { $0 + $1.count } }

    /// Writes every full chunk taken in so far. Call it after `append` to keep memory bounded.
    public func flush() async throws {
        while !ready.isEmpty {
            try await write(ready.removeFirst())
        }
    }

    /// Writes the last partial chunk and returns the blob, ready to commit.
    public func finish() async throws -> FinishedBlob {
        precondition(!finished, "finish twice")
        try await flush()
        if !buffer.isEmpty { try await write(buffer) }
        buffer = []
        finished = true
        let digest = Array(hasher.finalize())
        return FinishedBlob(ref: BlobRef(id: id, size: written, chunkSize: store.chunkSize, sha256: digest))
    }

    /// Deletes whatever was written; the blob never becomes visible.
    public func abort() async {
        guard started else { return }
        let store = store, id = id
        _ = try? await store.environment.write { txn in
            try store.deleteChunks(id, in: txn)
            try txn.delete(store.pending, key: id.bytes)
        }
    }

    private func write(_ chunk: [UInt8]) async throws {
        let index = chunkIndex, store = store, id = id, first = !started
        try await store.environment.write { txn in
            if first { try txn.put(store.pending, key: id.bytes, value: []) }
            try txn.put(store.chunks, key: id.chunkKey(index), value: chunk)
        }
        started = true
        written += chunk.count
        chunkIndex += 1
    }
}
