import NIOCore
import Storage
import Synchronization

/// How an upstream fetch turned out once its status line arrived.
enum FlightHead: Sendable {
    /// A 200 whose body is arriving now; readers stream it from the flight. `lastModified` is the
    /// validator the stored entry will carry, so the first answer has one too.
    case streaming(contentType: String, contentLength: Int?, lastModified: String)
    /// A redirect, a negative answer or a revalidated entry, already in the store.
    case stored(CacheEntry)
    /// A 200 whose whole body is in memory and on its way into the store: the requests waiting
    /// now answer from these bytes, so no disk flush is on their path. The entry's refs carry the
    /// final size and hash, but their ids are proposals (`PreparedBlob.ref`): never read them.
    case whole(CacheEntry, served: ByteBuffer, original: ByteBuffer?)
    case failed(EdgeCacheError)
}

/// One upstream fetch shared by every request that missed the same key (single-flight).
/// Bytes are kept in memory only until their chunk is in the store; readers that fall behind
/// read the chunk back from the store, so memory stays at about two chunks per fetch.
/// The decisions are `StateMachine`'s; this owner locks around them and resumes the waiters after.
final class Flight: Sendable {
    typealias Machine = StateMachine<@Sendable (FlightHead) -> Void, CheckedContinuation<ReadStep, Never>>

    let key: String
    private let blobs: BlobStore
    private let machine: Mutex<Machine>

    init(key: String, blobs: BlobStore) {
        self.key = key
        self.blobs = blobs
        self.machine = Mutex(Machine(chunkSize: blobs.chunkSize))
    }

    // MARK: producer side (the fetch task)

    func publish(_ head: FlightHead) { change { $0.publish(head) } }

    func begin(pendingID: BlobID) { change { $0.begin(pendingID: pendingID) } }

    func append(_ buffer: ByteBuffer) { change { $0.append(buffer) } }

    /// Chunks below `count` are in the store now; their memory copy can go.
    func persisted(chunks count: Int) { change { $0.persisted(chunks: count) } }

    func finish(_ ref: BlobRef) { change { $0.finish(ref) } }

    func fail(_ error: EdgeCacheError) { change { $0.fail(error) } }

    /// The outcome's commit ended (or failed) and the flight left the joinable set.
    func settle() { change { $0.settle() } }

    /// Runs `transition` under the lock and resumes the waiters it made ready after it.
    private func change(_ transition: (inout Machine) -> Machine.Wake) {
        let wake = machine.withLock { transition(&$0) }
        for (waiter, head) in wake.heads { waiter(head) }
        for (reader, step) in wake.readers { reader.resume(returning: step) }
    }

    // MARK: consumer side (requests)

    /// Calls `waiter` with the head once there is one (at once when there is), on the thread
    /// that publishes it: the hot path takes it back to its event loop, a task resumes.
    func onHead(_ waiter: @escaping @Sendable (FlightHead) -> Void) {
        change { $0.awaitHead(waiter) }
    }

    /// Whether the head is out already.
    var hasHead: Bool { machine.withLock { $0.head != nil } }

    /// Calls `waiter` once the flight is settled: its outcome is in the store, or failed to get there.
    func onSettled(_ waiter: @escaping @Sendable (FlightHead) -> Void) {
        change { $0.awaitSettled(waiter) }
    }

    func awaitHead() async -> FlightHead {
        await withCheckedContinuation { continuation in onHead { continuation.resume(returning: $0) } }
    }

    /// The bytes at `offset` onward that are available now (waiting for them when none are), or
    /// nil at the end of the body. Throws when the upstream failed mid-body.
    func read(from offset: Int) async throws(EdgeCacheError) -> ByteBuffer? {
        var step = await withCheckedContinuation { reader in change { $0.read(from: offset, reader: reader) } }
        while true {
            switch step {
            case .bytes(let bytes): return bytes
            case .end: return nil
            case .failed(let error): throw error
            case .stored(let read):
                // After commit the chunks may have been deduplicated into another blob of equal bytes.
                if let chunk = readChunk(read.pending, read) ?? read.final.flatMap({ readChunk($0.id, read) }) {
                    return chunk
                }
                if read.final != nil { throw EdgeCacheError(.storage, "chunk \(read.index) of \(key) vanished from the store") }
                step = await withCheckedContinuation { reader in change { $0.storeReadMissed(at: offset, reader: reader) } }
            }
        }
    }

    private func readChunk(_ id: BlobID, _ read: StoreRead) -> ByteBuffer? {
        try? blobs.environment.read { txn in
            try blobs.withChunk(id, index: read.index, in: txn) { raw in
                ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: raw[read.within...]))
            }
        } ?? nil
    }
}
