import NIOCore
import Synchronization

/// An upstream response body as it arrives, for one reader. The connection stops reading from
/// the socket while more than `highWater` bytes wait here, and reads again once the reader took
/// them down to `lowWater`, so a slow store or client never makes Wharf buffer a whole file.
public struct UpstreamBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    let storage: Storage

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(storage: storage) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let storage: Storage

        public mutating func next() async throws -> ByteBuffer? { try await storage.next() }
    }

    /// The whole body when it arrived with the head (see `UpstreamConnection`) and is at most
    /// `limit` bytes, taken at once; nil when it is still arriving or larger (then read it as a
    /// sequence: nothing was taken).
    public func takeWhole(upTo limit: Int) -> ByteBuffer? { storage.takeWhole(upTo: limit) }

    /// Every remaining byte, refused past `limit`.
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        var all = ByteBuffer()
        for try await var part in self {
            guard all.readableBytes + part.readableBytes <= limit else { throw UpstreamClientError.bodyTooLarge(limit) }
            all.writeBuffer(&part)
        }
        return all
    }

    /// The producer side (the connection, on its event loop) and the reader share this.
    final class Storage: Sendable {
        static let highWater = 1 << 20
        static let lowWater = 256 << 10

        private struct State {
            var parts: [ByteBuffer] = []
            var first = 0
            var buffered = 0
            var ended = false
            var error: UpstreamClientError?
            var waiter: CheckedContinuation<ByteBuffer?, any Error>?
            /// The connection stopped reading and waits for `resume`.
            var paused = false
        }

        private let state = Mutex(State())
        /// Asks the connection to read again (called off its event loop).
        private let resume: @Sendable () -> Void
        /// Closes the connection: the reader gave up (its task was cancelled) before the end.
        private let abandon: @Sendable (Storage) -> Void

        init(resume: @escaping @Sendable () -> Void, abandon: @escaping @Sendable (Storage) -> Void) {
            self.resume = resume
            self.abandon = abandon
        }

        /// Hands `part` to the reader; false when the connection should stop reading for now.
        func yield(_ part: ByteBuffer) -> Bool {
            let (waiter, keepReading) = state.withLock { state -> (CheckedContinuation<ByteBuffer?, any Error>?, Bool) in
                if let waiter = state.waiter {
                    state.waiter = nil
                    return (waiter, true)
                }
                state.parts.append(part)
                state.buffered += part.readableBytes
                state.paused = state.buffered > Self.highWater
                return (nil, !state.paused)
            }
            waiter?.resume(returning: part)
            return keepReading
        }

        func finish(_ error: UpstreamClientError? = nil) {
            let waiter = state.withLock { state -> CheckedContinuation<ByteBuffer?, any Error>? in
                guard !state.ended else { return nil }
                state.ended = true
                state.error = error
                defer { state.waiter = nil }
                return state.waiter
            }
            if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
        }

        /// The whole body when it already ended well (it came with the head) and is at most
        /// `limit` bytes, taken at once; nil (and nothing taken) otherwise.
        func takeWhole(upTo limit: Int) -> ByteBuffer? {
            state.withLock { state -> ByteBuffer? in
                guard state.ended, state.error == nil, state.waiter == nil, state.buffered <= limit else { return nil }
                var whole = ByteBuffer()
                for index in state.first..<state.parts.count { whole.writeImmutableBuffer(state.parts[index]) }
                state.parts = []
                state.first = 0
                state.buffered = 0
                return whole
            }
        }

        func next() async throws -> ByteBuffer? {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
                    enum Step { case part(ByteBuffer, resume: Bool), end, failed(UpstreamClientError), wait }
                    let step = state.withLock { state -> Step in
                        if state.first < state.parts.count {
                            let part = state.parts[state.first]
                            state.first += 1
                            if state.first == state.parts.count { state.parts.removeAll(keepingCapacity: true); state.first = 0 }
                            state.buffered -= part.readableBytes
                            let resume = state.paused && state.buffered <= Self.lowWater
                            if resume { state.paused = false }
                            return .part(part, resume: resume)
                        }
                        if state.ended { return state.error.map { .failed($0) } ?? .end }
                        if Task.isCancelled { return .failed(.cancelled) }
                        state.waiter = continuation
                        return .wait
                    }
                    switch step {
                    case .part(let part, let resume):
                        if resume { self.resume() }
                        continuation.resume(returning: part)
                    case .end: continuation.resume(returning: nil)
                    case .failed(let error): continuation.resume(throwing: error)
                    case .wait: break
                    }
                }
            } onCancel: {
                // A body that already ended leaves its connection alone.
                let ended = state.withLock { $0.ended }
                finish(.cancelled)
                if !ended { abandon(self) }
            }
        }
    }
}
