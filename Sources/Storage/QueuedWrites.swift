import Synchronization

/// One `StoreEnvironment.write` waiting for its group commit: its closure, type-erased (its value
/// kept aside), and how to tell its caller the outcome once the commit is done.
struct QueuedWrite: @unchecked Sendable {
    let durable: Bool
    let run: (borrowing WriteTransaction) throws -> Void
    let finish: (Result<Void, any Error>) -> Void
}

/// Where a write's value waits between its closure and its commit (only the writer queue touches it).
final class ValueBox<T>: @unchecked Sendable {
    var value: T?
}

/// The writes queued for the writer, and whether a commit of them is already scheduled: the first
/// write of an idle store schedules one; those arriving while it runs wait for the next.
final class QueuedWrites: Sendable {
    /// Writes per commit at most, so one transaction stays small enough to retry on a full map.
    static let batchLimit = 64
    private let state = Mutex(State())

    private struct State {
        var writes: [QueuedWrite] = []
        var scheduled = false
    }

    /// Queues `write`; calls `schedule` (once) when no commit is pending yet.
    func enqueue(_ write: QueuedWrite, schedule: () -> Void) {
        let needsCommit = state.withLock { state in
            state.writes.append(write)
            guard !state.scheduled else { return false }
            state.scheduled = true
            return true
        }
        if needsCommit { schedule() }
    }

    /// The next batch, and whether writes remain after it (then a commit stays scheduled).
    func take() -> (batch: [QueuedWrite], more: Bool) {
        state.withLock { state in
            let batch = Array(state.writes.prefix(Self.batchLimit))
            state.writes.removeFirst(batch.count)
            state.scheduled = !state.writes.isEmpty
            return (batch, state.scheduled)
        }
    }
}
