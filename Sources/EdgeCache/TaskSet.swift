import Synchronization

/// The owner of background work that must not outlive a shutdown (upstream fetches, `/build`
/// prefetches): tasks start here, and `drain` waits for them instead of polling for them. Work
/// that runs on an event loop by callbacks, not in a task, joins with `begin` and `end`.
public final class TaskSet: Sendable {
    private enum Work {
        case task(Task<Void, Never>)
        /// Callback work; `cancel` makes it end soon (it still calls `end`).
        case callback(cancel: @Sendable () -> Void)

        func cancel() {
            switch self {
            case .task(let task): task.cancel()
            case .callback(let cancel): cancel()
            }
        }
    }

    private struct State {
        var running: [Int: Work] = [:]
        var nextID = 0
        /// A drain ran out of time: what still runs is cancelled, and so is what starts later.
        var cancelled = false
        var idleWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Tasks started and not yet ended.
    public var count: Int { state.withLock { $0.running.count } }

    /// Runs `operation` as a task of this set.
    public func start(_ operation: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            // Registered before the lock is let go, so the task's own removal always finds it.
            let task = Task { await operation(); self.ended(id) }
            if state.cancelled { task.cancel() }
            state.running[id] = .task(task)
        }
    }

    /// Joins callback work to the set; it must call `end` with the id once done. Nil when a drain
    /// already cancelled the set: then the work must not start.
    public func begin(cancel: @escaping @Sendable () -> Void) -> Int? {
        state.withLock { state in
            guard !state.cancelled else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.running[id] = .callback(cancel: cancel)
            return id
        }
    }

    public func end(_ id: Int) { ended(id) }

    /// Waits until no task runs, or `timeout` passed; then cancels what still runs and waits for it
    /// to end too, so nothing started here outlives the call. Cancelling the caller cuts the wait short.
    public func drain(timeout: Duration) async {
        let idle = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.untilIdle(); return true }
            group.addTask { try? await Task.sleep(for: timeout); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if idle { return }
        while true {
            let running = state.withLock { state in
                state.cancelled = true
                return Array(state.running.values)
            }
            if running.isEmpty { return }
            for work in running { work.cancel() }
            await untilIdle(cancellable: false)
        }
    }

    private func ended(_ id: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running[id] = nil
            guard state.running.isEmpty else { return [] }
            defer { state.idleWaiters.removeAll() }
            return Array(state.idleWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no task runs, or (when `cancellable`) when the calling task is cancelled.
    private func untilIdle(cancellable: Bool = true) async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter in
                let now = state.withLock { state in
                    if state.running.isEmpty || (cancellable && Task.isCancelled) { return true }
                    state.idleWaiters[id] = waiter
                    return false
                }
                if now { waiter.resume() }
            }
        } onCancel: {
            guard cancellable else { return }
            state.withLock { $0.idleWaiters.removeValue(forKey: id) }?.resume()
        }
    }
}
