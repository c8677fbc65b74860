import NIOCore
import Storage

extension Flight {
    /// Chunk `index` of the body, read back from the store at `within`: from the pending blob,
    /// or, when the commit deduplicated it away, from `final`.
    struct StoreRead: Sendable, Equatable {
        let pending: BlobID
        let final: BlobRef?
        let index: Int
        let within: Int
    }

    /// What a reader does next.
    enum ReadStep: Sendable {
        case bytes(ByteBuffer)
        case stored(StoreRead)
        case failed(EdgeCacheError)
        case end
    }

    /// What a flight knows of its fetch, and who waits for what. Every mutating function changes the
    /// state and returns the waiters it makes ready; it never resumes them or touches the store, so the
    /// owner holds its lock only around the call. Waiters are generic so tests can use plain labels.
    struct StateMachine<HeadWaiter: Sendable, Reader: Sendable>: Sendable {
        enum State: Sendable {
            /// The fetch runs; `head` is nil until its status line (or a held-back body) is published.
            case running(head: FlightHead?)
            /// Every byte is in the store under `ref`, the committed (possibly deduplicated) blob.
            case finished(head: FlightHead, ref: BlobRef)
            /// The fetch failed; `head` is `.failed` when it had not published one.
            case failed(head: FlightHead, EdgeCacheError)
        }

        /// The waiters a change made ready, with what each of them gets.
        struct Wake: Sendable {
            var heads: [(waiter: HeadWaiter, head: FlightHead)] = []
            var readers: [(reader: Reader, step: ReadStep)] = []

            var isEmpty: Bool { heads.isEmpty && readers.isEmpty }
        }

        private struct Waiting: Sendable {
            let reader: Reader
            let offset: Int
            /// The store had neither chunk: only the final ref (or a failure) can help.
            let missedStore: Bool
        }

        let chunkSize: Int
        private(set) var state = State.running(head: nil)
        /// Chunks not yet in the store, by index; a chunk goes once it is persisted.
        private var memory: [Int: ByteBuffer] = [:]
        private(set) var received = 0
        private(set) var persistedChunks = 0
        private var pendingID: BlobID?
        private var headWaiters: [HeadWaiter] = []
        private var readers: [Waiting] = []
        /// The fetch's outcome is in the store (or failed to get there): see `awaitSettled`.
        private var isSettled = false
        private var settleWaiters: [HeadWaiter] = []

        init(chunkSize: Int) {
            self.chunkSize = chunkSize
        }

        /// Bytes held in memory: about two chunks at most while the store keeps up.
        var bytesInMemory: Int { memory.values.reduce(0) { $0 + $1.readableBytes } }

        var head: FlightHead? {
            switch state {
            case .running(let head): head
            case .finished(let head, _), .failed(let head, _): head
            }
        }

        // MARK: producer side (the fetch task)

        /// Publishes the head once; a later one is ignored (a `.failed` head fails the flight).
        mutating func publish(_ head: FlightHead) -> Wake {
            if case .failed(let error) = head { return fail(error) }
            guard case .running(nil) = state else { return Wake() }
            state = .running(head: head)
            return wakeReady()
        }

        mutating func begin(pendingID: BlobID) -> Wake {
            guard case .running = state else { return Wake() }
            self.pendingID = pendingID
            return wakeReady()
        }

        mutating func append(_ buffer: ByteBuffer) -> Wake {
            guard case .running = state else { return Wake() }
            var rest = buffer
            while rest.readableBytes > 0 {
                let index = received / chunkSize
                let room = chunkSize - received % chunkSize
                let piece = rest.readSlice(length: min(room, rest.readableBytes))!
                memory[index, default: ByteBuffer()].writeImmutableBuffer(piece)
                received += piece.readableBytes
            }
            return wakeReady()
        }

        /// Chunks below `count` are in the store now; their memory copy goes.
        mutating func persisted(chunks count: Int) -> Wake {
            guard case .running = state else { return Wake() }
            persistedChunks = count
            for index in memory.keys where index < count { memory[index] = nil }
            return wakeReady()
        }

        /// The body is committed as `ref`. Only a flight whose head is out can finish.
        mutating func finish(_ ref: BlobRef) -> Wake {
            guard case .running(let head?) = state else {
                assert(head != nil, "a flight finished before its head was published")
                return Wake()
            }
            state = .finished(head: head, ref: ref)
            return wakeReady()
        }

        /// Fails the flight; the head becomes `.failed` when none was published. A finished or
        /// failed flight stays as it is.
        mutating func fail(_ error: EdgeCacheError) -> Wake {
            guard case .running(let head) = state else { return Wake() }
            state = .failed(head: head ?? .failed(error), error)
            return wakeReady()
        }

        /// The outcome's commit ended and the flight left the joinable set: requests that waited
        /// for it (`awaitSettled`) read the store now.
        mutating func settle() -> Wake {
            guard !isSettled else { return Wake() }
            isSettled = true
            return wakeReady()
        }

        // MARK: consumer side (requests)

        /// Hands `waiter` the head when there is one, or keeps it until one is published.
        mutating func awaitHead(_ waiter: HeadWaiter) -> Wake {
            guard let head else {
                headWaiters.append(waiter)
                return Wake()
            }
            return Wake(heads: [(waiter: waiter, head: head)])
        }

        /// Hands `waiter` the head once the flight is settled (at once when it is). A request that
        /// joins a fetch whose whole body is already out waits here, then reads the committed entry.
        mutating func awaitSettled(_ waiter: HeadWaiter) -> Wake {
            guard isSettled, let head else {
                settleWaiters.append(waiter)
                return Wake()
            }
            return Wake(heads: [(waiter: waiter, head: head)])
        }

        /// Hands `reader` its next step at `offset` when it has one, or keeps it until a change gives it one.
        mutating func read(from offset: Int, reader: Reader) -> Wake {
            enqueue(Waiting(reader: reader, offset: offset, missedStore: false))
        }

        /// `reader` found chunk `offset` in neither blob of its `StoreRead` while the final ref was
        /// unknown (the commit deduplicated the pending blob, or the fetch failed and dropped it).
        mutating func storeReadMissed(at offset: Int, reader: Reader) -> Wake {
            enqueue(Waiting(reader: reader, offset: offset, missedStore: true))
        }

        private mutating func enqueue(_ waiting: Waiting) -> Wake {
            guard let step = step(for: waiting) else {
                readers.append(waiting)
                return Wake()
            }
            return Wake(readers: [(reader: waiting.reader, step: step)])
        }

        // MARK: deciding

        /// Every waiter that can go on now, removed from the waiting lists.
        private mutating func wakeReady() -> Wake {
            var wake = Wake()
            if let head, !headWaiters.isEmpty {
                wake.heads = headWaiters.map { (waiter: $0, head: head) }
                headWaiters.removeAll()
            }
            if isSettled, let head, !settleWaiters.isEmpty {
                wake.heads += settleWaiters.map { (waiter: $0, head: head) }
                settleWaiters.removeAll()
            }
            var still: [Waiting] = []
            for waiting in readers {
                if let step = step(for: waiting) { wake.readers.append((reader: waiting.reader, step: step)) } else { still.append(waiting) }
            }
            readers = still
            return wake
        }

        /// Bytes below `received` are in memory or in the store; past them the outcome decides.
        private func step(for waiting: Waiting) -> ReadStep? {
            let offset = waiting.offset
            let index = offset / chunkSize, within = offset % chunkSize
            let final: BlobRef? = if case .finished(_, let ref) = state { ref } else { nil }
            if offset < received {
                if !waiting.missedStore, let chunk = memory[index], chunk.readableBytes > within {
                    return .bytes(chunk.getSlice(at: chunk.readerIndex + within, length: chunk.readableBytes - within)!)
                }
                if index < persistedChunks, let pendingID, !waiting.missedStore || final != nil {
                    return .stored(StoreRead(pending: pendingID, final: final, index: index, within: within))
                }
            }
            switch state {
            case .failed(_, let error): return .failed(error)
            case .finished where offset >= received: return .end
            case .finished, .running: return nil
            }
        }
    }
}
