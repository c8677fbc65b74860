import Glibc
import NIOCore
import Synchronization

/// Gives up the CPU once at the end of each event-loop tick in which the hot path answered a hit
/// from memory. A busy loop otherwise runs out its scheduler slice (milliseconds) while a client
/// that shares the cores (the browser on a developer's machine, wrk in `scripts/bench`) waits to
/// read what it was sent: measured, a hit's p99 went from about 7.9 ms to 1-2 ms at the same
/// throughput. With nothing else runnable, `sched_yield` returns at once. Not after a miss's
/// answer: the loop has the upstream's side of it to do, and yielding there cost misses time.
final class TickYield: Sendable {
    /// Touched only on the loop that owns it.
    private let pending = Atomic<Bool>(false)
    private let yield: @Sendable () -> Void

    /// `yield` is the scheduler's, but for tests.
    init(yield: @escaping @Sendable () -> Void = { _ = sched_yield() }) {
        self.yield = yield
    }

    /// Call on `loop` after answering: the first call of a tick schedules the yield, which runs
    /// after the tick's I/O, before the loop waits for more.
    func afterThisTick(on loop: any EventLoop) {
        guard !pending.load(ordering: .relaxed) else { return }
        pending.store(true, ordering: .relaxed)
        loop.execute { [self] in
            yield()
            pending.store(false, ordering: .relaxed)
        }
    }
}
