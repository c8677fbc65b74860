import Crypto

/// Content-addressed, chunked file bodies. Chunks are written as they arrive under a fresh id
/// marked pending; `commit` (inside the caller's transaction, next to the record that points at
/// the blob) dedupes by SHA-256 and clears the mark. Pending blobs left by a crash are swept on start.
public final class BlobStore: Sendable {
    public let environment: StoreEnvironment
    let chunks: Table
    let info: Table      // blob id → refcount (UInt32) + BlobRef
    let bySHA: Table     // sha256 → blob id
    let pending: Table   // blob id → nothing; chunks written, not yet committed

    public init(environment: StoreEnvironment) throws {
        self.environment = environment
        chunks = try environment.table("blob.chunks")
        info = try environment.table("blob.info")
        bySHA = try environment.table("blob.sha256")
        pending = try environment.table("blob.pending")
    }

    public var chunkSize: Int { environment.options.chunkSize }

    /// Starts a blob. Its bytes are invisible to readers of records until `commit`.
    public func makeWriter() -> BlobWriter { BlobWriter(store: self) }

    // MARK: reading

    /// Calls `body` with chunk `index` of the blob (valid only inside `body`), or nil when absent.
    public func withChunk<T>(_ id: BlobID, index: Int, in txn: borrowing ReadTransaction, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        try txn.withValue(chunks, key: id.chunkKey(index), body)
    }

    /// The whole blob as one array; for small bodies and tests.
    public func readAll(_ ref: BlobRef) throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(ref.size)
        for index in 0..<ref.chunkCount {
            let found = try environment.read { txn in
                try withChunk(ref.id, index: index, in: txn) { result.append(contentsOf: $0) }
            }
            guard found != nil else { throw StorageError(.invalidBlob, operation: "read chunk \(index) of \(ref.id)") }
        }
        return result
    }

    // MARK: writing (inside the caller's write transaction)

    /// Makes a finished blob permanent and returns the reference a record should hold: an
    /// existing blob with the same SHA-256 when there is one (its chunks are then dropped).
    public func commit(_ blob: FinishedBlob, in txn: borrowing WriteTransaction) throws -> BlobRef {
        try txn.delete(pending, key: blob.ref.id.bytes)
        if let existing = try txn.get(bySHA, key: blob.ref.sha256), existing != blob.ref.id.bytes {
            try deleteChunks(blob.ref.id, in: txn)
            let id = BlobID(bytes: existing)
            let (refs, ref) = try readInfo(id, in: txn)
            try writeInfo(ref, refs: refs + 1, in: txn)
            return ref
        }
        let refs = try txn.contains(info, key: blob.ref.id.bytes) ? try readInfo(blob.ref.id, in: txn).0 : 0
        try txn.put(bySHA, key: blob.ref.sha256, value: blob.ref.id.bytes)
        try writeInfo(blob.ref, refs: refs + 1, in: txn)
        return blob.ref
    }

    /// A small body hashed ahead of time, to be written whole inside one transaction (no pending
    /// chunks, no transaction of its own): many small files then cost one commit, not one each.
    public struct PreparedBlob: Sendable {
        public let bytes: [UInt8]
        /// What `commit` returns unless an identical blob is stored already (then that one's ref,
        /// with another id): size and hash are final, the id is only a proposal.
        public let ref: BlobRef
        public var sha256: [UInt8] { ref.sha256 }
    }

    public func prepare(_ bytes: [UInt8]) -> PreparedBlob {
        PreparedBlob(bytes: bytes, ref: BlobRef(id: BlobID.random(), size: bytes.count, chunkSize: chunkSize, sha256: Array(SHA256.hash(data: bytes))))
    }

    /// Writes a prepared body (or references an identical stored one) inside the caller's transaction.
    public func commit(_ blob: PreparedBlob, in txn: borrowing WriteTransaction) throws -> BlobRef {
        if let existing = try txn.get(bySHA, key: blob.sha256) {
            let (refs, ref) = try readInfo(BlobID(bytes: existing), in: txn)
            try writeInfo(ref, refs: refs + 1, in: txn)
            return ref
        }
        let ref = blob.ref
        var index = 0, offset = 0
        try blob.bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let end = min(offset + chunkSize, raw.count)
                try txn.put(chunks, key: ref.id.chunkKey(index), bytes: UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                index += 1
                offset = end
            }
        }
        try txn.put(bySHA, key: blob.sha256, value: ref.id.bytes)
        try writeInfo(ref, refs: 1, in: txn)
        return ref
    }

    /// Adds a reference to a committed blob (a second record pointing at the same bytes).
    public func retain(_ ref: BlobRef, in txn: borrowing WriteTransaction) throws {
        let (refs, stored) = try readInfo(ref.id, in: txn)
        try writeInfo(stored, refs: refs + 1, in: txn)
    }

    /// Drops one reference; the last one deletes the chunks and the hash index entry.
    public func release(_ ref: BlobRef, in txn: borrowing WriteTransaction) throws {
        guard try txn.contains(info, key: ref.id.bytes) else { return }
        let (refs, stored) = try readInfo(ref.id, in: txn)
        if refs > 1 {
            try writeInfo(stored, refs: refs - 1, in: txn)
            return
        }
        try txn.delete(info, key: ref.id.bytes)
        try txn.delete(bySHA, key: stored.sha256)
        try deleteChunks(ref.id, in: txn)
    }

    /// Removes the chunks of blobs that were started but never committed (crash, failed download).
    public func sweepPending() async throws -> Int {
        try await environment.write { txn in
            let ids = try txn.keys(self.pending, prefix: [])
            for id in ids {
                try self.deleteChunks(BlobID(bytes: id), in: txn)
                try txn.delete(self.pending, key: id)
            }
            return ids.count
        }
    }

    public struct Statistics: Sendable {
        public var blobs: Int
        public var bytes: Int
        public var pending: Int
    }

    public func statistics() throws -> Statistics {
        try environment.read { txn in
            var bytes = 0
            try txn.scan(info, prefix: []) { _, value in
                var reader = ByteReader(value)
                _ = try reader.read(UInt32.self)
                bytes += try BlobRef.decode(from: &reader).size
                return true
            }
            return Statistics(blobs: try txn.count(info), bytes: bytes, pending: try txn.count(pending))
        }
    }

    // MARK: internals

    func deleteChunks(_ id: BlobID, in txn: borrowing WriteTransaction) throws {
        for key in try txn.keys(chunks, prefix: id.bytes) {
            try txn.delete(chunks, key: key)
        }
    }

    private func readInfo(_ id: BlobID, in txn: borrowing WriteTransaction) throws -> (UInt32, BlobRef) {
        let decoded: (UInt32, BlobRef)? = try txn.withValue(info, key: id.bytes) { raw in
            var reader = ByteReader(raw)
            return (try reader.read(UInt32.self), try BlobRef.decode(from: &reader))
        }
        guard let decoded else { throw StorageError(.invalidBlob, operation: "blob info \(id)") }
        return decoded
    }

    private func writeInfo(_ ref: BlobRef, refs: UInt32, in txn: borrowing WriteTransaction) throws {
        var writer = ByteWriter()
        writer.write(refs)
        ref.encode(into: &writer)
        try txn.put(info, key: ref.id.bytes, value: writer.bytes)
    }
}
