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
    case failed(EdgeCacheError)
}

/// One upstream fetch shared by every request that missed the same key (single-flight).
/// Bytes are kept in memory only until their chunk is in the store; readers that fall behind
/// read the chunk back from the store, so memory stays at about two chunks per fetch.
final class Flight: Sendable {
    let key: String
    private let blobs: BlobStore
    private let state = Mutex(State())

    private struct State {
        var head: FlightHead?
        var memory: [Int: ByteBuffer] = [:]
        var received = 0
        var persistedChunks = 0
        var pendingID: BlobID?
        var finalRef: BlobRef?
        var finished = false
        var failure: EdgeCacheError?
        var waiters: [@Sendable () -> Void] = []
    }

    init(key: String, blobs: BlobStore) {
        self.key = key
        self.blobs = blobs
    }

    private var chunkSize: Int { blobs.chunkSize }

    // MARK: producer side (the fetch task)

    func publish(_ head: FlightHead) {
        update { state in
            state.head = head
            if case .failed(let error) = head { state.failure = error }
        }
    }

    func begin(pendingID: BlobID) { update { $0.pendingID = pendingID } }

    func append(_ buffer: ByteBuffer) {
        update { state in
            var rest = buffer
            while rest.readableBytes > 0 {
                let index = state.received / self.chunkSize
                let room = self.chunkSize - state.received % self.chunkSize
                let piece = rest.readSlice(length: min(room, rest.readableBytes))!
                state.memory[index, default: ByteBuffer()].writeImmutableBuffer(piece)
                state.received += piece.readableBytes
            }
        }
    }

    /// Chunks below `count` are in the store now; their memory copy can go.
    func persisted(chunks count: Int) {
        update { state in
            state.persistedChunks = count
            for index in state.memory.keys where index < count { state.memory[index] = nil }
        }
    }

    func finish(_ ref: BlobRef) { update { $0.finalRef = ref; $0.finished = true } }

    func fail(_ error: EdgeCacheError) {
        update { state in
            if state.head == nil { state.head = .failed(error) }
            state.failure = error
        }
    }

    private func update(_ change: (inout State) -> Void) {
        let waiters = state.withLock { state in
            change(&state)
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter() }
    }

    // MARK: consumer side (requests)

    func awaitHead() async -> FlightHead {
        while true {
            if let head = await waitUnless({ $0.head }) { return head }
        }
    }

    /// The bytes at `offset` onward that are available now (waiting for them when none are), or
    /// nil at the end of the body. Throws when the upstream failed mid-body.
    func read(from offset: Int) async throws(EdgeCacheError) -> ByteBuffer? {
        while true {
            let step = await waitUnless { state -> ReadStep? in
                let index = offset / self.chunkSize, within = offset % self.chunkSize
                // Bytes below `received` are either still in memory or already in the store.
                if offset < state.received {
                    if let chunk = state.memory[index], chunk.readableBytes > within {
                        return .bytes(chunk.getSlice(at: chunk.readerIndex + within, length: chunk.readableBytes - within)!)
                    }
                    if index < state.persistedChunks, let id = state.pendingID {
                        return .stored(id, state.finalRef, index, within)
                    }
                }
                if let failure = state.failure { return .failed(failure) }
                if state.finished && offset >= state.received { return .end }
                return nil
            }
            guard let step else { continue }
            switch step {
            case .bytes(let bytes): return bytes
            case .end: return nil
            case .failed(let error): throw error
            case .stored(let pending, let final, let index, let within):
                // After commit the chunks may have been deduplicated into another blob of equal bytes.
                if let chunk = readChunk(pending, index: index, within: within) ?? final.flatMap({ readChunk($0.id, index: index, within: within) }) {
                    return chunk
                }
                if final == nil { continue }
                throw EdgeCacheError(.storage, "chunk \(index) of \(key) vanished from the store")
            }
        }
    }

    private enum ReadStep: Sendable {
        case bytes(ByteBuffer)
        case stored(BlobID, BlobRef?, Int, Int)
        case failed(EdgeCacheError)
        case end
    }

    private func readChunk(_ id: BlobID, index: Int, within: Int) -> ByteBuffer? {
        try? blobs.environment.read { txn in
            try blobs.withChunk(id, index: index, in: txn) { raw in
                ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: raw[within...]))
            }
        } ?? nil
    }

    /// Returns `probe`'s value when it has one; otherwise sleeps until the state changes and returns nil.
    private func waitUnless<T: Sendable>(_ probe: @escaping @Sendable (borrowing State) -> T?) async -> T? {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            let value = state.withLock { state -> T? in
                if let value = probe(state) { return value }
                state.waiters.append { continuation.resume(returning: nil) }
                return nil
            }
            if let value { continuation.resume(returning: value) }
        }
    }
}
