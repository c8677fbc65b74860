import Synchronization
import Testing
@testable import EdgeCache

/// The owner of background tasks: `drain` returns only when none runs, cancelling what outlasts it.
@Suite struct TaskSetTests {
    @Test func drainWaitsForEveryRunningTask() async {
        let tasks = TaskSet()
        let done = Shared(0)
        let (started, starting) = AsyncStream<Void>.makeStream()
        let (opened, opener) = AsyncStream<Void>.makeStream()
        for _ in 0..<3 {
            tasks.start {
                starting.yield()
                for await _ in opened {}
                done.update { $0 += 1 }
            }
        }
        var iterator = started.makeAsyncIterator()
        for _ in 0..<3 { await iterator.next() }
        #expect(tasks.count == 3)
        let drained = Task { await tasks.drain(timeout: .seconds(600)); return done.value }
        opener.finish()
        #expect(await drained.value == 3)
        #expect(tasks.count == 0)
    }

    @Test func drainOfAnIdleSetReturnsAtOnce() async {
        let tasks = TaskSet()
        await tasks.drain(timeout: .seconds(600))
        #expect(tasks.count == 0)
    }

    @Test func whatOutlastsTheTimeoutIsCancelledAndWaitedFor() async {
        let tasks = TaskSet()
        let sawCancel = Shared(false)
        let (started, starting) = AsyncStream<Void>.makeStream()
        tasks.start {
            starting.yield()
            // Sleeps until cancelled.
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(600)) }
            sawCancel.update { $0 = true }
        }
        var iterator = started.makeAsyncIterator()
        await iterator.next()
        await tasks.drain(timeout: .milliseconds(1))
        #expect(sawCancel.value, "drain returned after the cancelled task ended")
        #expect(tasks.count == 0)
        let cancelledLater = Shared(false)
        tasks.start { cancelledLater.update { $0 = Task.isCancelled } }
        await tasks.drain(timeout: .seconds(600))
        #expect(cancelledLater.value, "a set whose drain timed out starts new tasks cancelled")
    }
}

/// Callback work (an event-loop fetch) in the same set: drained like a task, cancelled by its hook.
@Suite struct TaskSetCallbackWorkTests {
    @Test func drainWaitsForCallbackWorkAndCancelsItWhenItOutlastsTheTimeout() async throws {
        let tasks = TaskSet()
        let begun = tasks.begin(cancel: {})
        let finished = try #require(begun)
        #expect(tasks.count == 1)
        let drained = Task { await tasks.drain(timeout: .seconds(600)) }
        try await Task.sleep(for: .milliseconds(50))
        tasks.end(finished)
        await drained.value
        #expect(tasks.count == 0)

        // Outlasting the drain: its cancel hook runs, and the drain waits for its end.
        let cancelled = Shared(false)
        let slow = Shared<Int?>(nil)
        slow.update { $0 = tasks.begin { cancelled.update { $0 = true }; tasks.end(slow.value!) } }
        await tasks.drain(timeout: .milliseconds(1))
        #expect(cancelled.value && tasks.count == 0)
        let late = tasks.begin(cancel: {})
        #expect(late == nil, "a set whose drain timed out starts no callback work")
    }
}

/// A value the tasks of a test share (a `Mutex` cannot be captured by their closures).
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    var value: Value { mutex.withLock { $0 } }

    func update(_ change: (inout Value) -> Void) { mutex.withLock { change(&$0) } }
}
