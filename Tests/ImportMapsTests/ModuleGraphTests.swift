import Synchronization
import Testing
@testable import ImportMaps

/// `ModuleGraph.walk` over an in-memory graph, and `concurrently`, with no network and no clock.
@Suite struct ModuleGraphTests {
    /// A graph of module names → edges; records what the walk asked of it.
    struct MemoryGraph: ModuleGraphVisitor {
        var graph: [String: ModuleGraph.Edges]
        /// With `prefetching`, only modules a prefetch brought are fetched; else all are.
        var prefetching = false
        /// The module whose edges cancel the task walking it.
        var cancelAt: String?
        var fetched: Set<String> = []
        var asked: [String] = []
        var frontiers: [[String]] = []

        init(_ graph: [String: ModuleGraph.Edges], prefetching: Bool = false, cancelAt: String? = nil) {
            self.graph = graph
            self.prefetching = prefetching
            self.cancelAt = cancelAt
        }

        mutating func edges(of url: String) async throws(ImportMapError) -> ModuleGraph.Edges {
            asked.append(url)
            if url == cancelAt { withUnsafeCurrentTask { $0?.cancel() } }
            guard let edges = graph[url] else { throw ImportMapError(.notFound, "module not found: \(url)") }
            return edges
        }

        func isFetched(_ url: String) -> Bool { !prefetching || fetched.contains(url) }

        mutating func prefetch(_ frontier: [String]) async {
            frontiers.append(frontier)
            fetched.formUnion(frontier)
        }
    }

    static func edges(_ statics: [String] = [], dynamic: [String] = []) -> ModuleGraph.Edges {
        ModuleGraph.Edges(statics: statics, dynamics: dynamic)
    }

    /// a imports b and c, and dynamically d; b imports e and dynamically c (which a imports
    /// statically: it stays static); d imports f (met statically already) and dynamically g.
    static let graph: [String: ModuleGraph.Edges] = [
        "a": edges(["b", "c"], dynamic: ["d"]),
        "b": edges(["e"], dynamic: ["c"]),
        "c": edges(["e", "b"]),
        "d": edges(["f"], dynamic: ["g"]),
        "e": edges(),
        "f": edges(["e"]),
        "g": edges(["h"]),
        "h": edges(),
    ]

    @Test func staticsBreadthFirstInFirstMetOrderThenWhatOnlyDynamicImportsReach() async throws {
        var visitor = MemoryGraph(Self.graph)
        let walk = try await ModuleGraph.walk(from: ["a"], visitor: &visitor)
        #expect(walk.statics == ["a", "b", "c", "e"])
        // From the dynamic roots d (of a) and c (of b, already static): d, then its static f and
        // dynamic g at once, then what g imports statically.
        #expect(walk.dynamics == ["d", "f", "g", "h"])
        #expect(walk.all == ["a", "b", "c", "e", "d", "f", "g", "h"])
        #expect(visitor.asked == walk.all, "each module's edges asked once, in the walk's order")
    }

    @Test func rootsAreWalkedInTheirOrderAndOnce() async throws {
        var visitor = MemoryGraph(Self.graph)
        let walk = try await ModuleGraph.walk(from: ["e", "d", "e"], visitor: &visitor)
        #expect(walk.statics == ["e", "d", "f"])
        #expect(walk.dynamics == ["g", "h"])
        #expect(visitor.asked == ["e", "d", "f", "g", "h"])
    }

    @Test func cyclesVisitEachModuleOnce() async throws {
        var visitor = MemoryGraph([
            "a": Self.edges(["b"]),
            "b": Self.edges(["c", "b"], dynamic: ["x"]),
            "c": Self.edges(["a"]),
            "x": Self.edges(["y"], dynamic: ["a"]),
            "y": Self.edges(["x"], dynamic: ["y"]),
        ])
        let walk = try await ModuleGraph.walk(from: ["a"], visitor: &visitor)
        #expect(walk.statics == ["a", "b", "c"])
        #expect(walk.dynamics == ["x", "y"])
        #expect(visitor.asked == ["a", "b", "c", "x", "y"])
    }

    @Test func anEmptyWalk() async throws {
        var visitor = MemoryGraph([:])
        let walk = try await ModuleGraph.walk(from: [], visitor: &visitor)
        #expect(walk.all.isEmpty)
        #expect(visitor.asked.isEmpty)
    }

    /// The limit counts the modules of both phases; the one past it is named and never fetched.
    @Test func theLimitBoundsTheWalk() async throws {
        var exact = MemoryGraph(Self.graph)
        let walk = try await ModuleGraph.walk(from: ["a"], visitor: &exact, limit: 8)
        #expect(walk.all.count == 8, "a limit of the graph's size is enough")

        for (limit, past) in [(3, "e"), (4, "d"), (7, "h")] {
            var visitor = MemoryGraph(Self.graph)
            do throws(ImportMapError) {
                let walk = try await ModuleGraph.walk(from: ["a"], visitor: &visitor, limit: limit)
                Issue.record("a walk of \(walk.all.count) modules passed the limit \(limit)")
            } catch {
                #expect(error.kind == .upstream)
                #expect(error.message == "more than \(limit) modules traced from \(past)")
            }
            #expect(visitor.asked == Array(["a", "b", "c", "e", "d", "f", "g", "h"].prefix(limit)), "limit \(limit)")
        }
    }

    @Test func aFailingModuleStopsTheWalkWithItsError() async throws {
        var visitor = MemoryGraph(["a": Self.edges(["b", "gone"]), "b": Self.edges()])
        do throws(ImportMapError) {
            _ = try await ModuleGraph.walk(from: ["a"], visitor: &visitor)
            Issue.record("the walk passed a missing module")
        } catch {
            #expect(error.kind == .notFound)
            #expect(error.message == "module not found: gone")
        }
        #expect(visitor.asked == ["a", "b", "gone"])
    }

    /// A head of the queue that is not fetched hands the whole queue to `prefetch`: one call a
    /// level of the graph, each with that level's frontier (repeats and seen modules included).
    @Test func prefetchIsHandedEachFrontier() async throws {
        var visitor = MemoryGraph(Self.graph, prefetching: true)
        let walk = try await ModuleGraph.walk(from: ["a"], visitor: &visitor)
        #expect(walk.all == ["a", "b", "c", "e", "d", "f", "g", "h"])
        #expect(visitor.frontiers == [
            ["a"], ["b", "c"], ["e", "e", "b"],
            ["d", "c"], ["f", "g"], ["h"],
        ])
    }

    /// The defaults of the protocol: every module counts as fetched, so nothing is prefetched.
    @Test func aVisitorWithoutPrefetchWalksTheSame() async throws {
        struct Plain: ModuleGraphVisitor {
            let graph: [String: ModuleGraph.Edges]
            func edges(of url: String) async throws(ImportMapError) -> ModuleGraph.Edges { graph[url] ?? .init() }
        }
        var visitor = Plain(graph: Self.graph)
        let walk = try await ModuleGraph.walk(from: ["a"], visitor: &visitor)
        #expect(walk.statics == ["a", "b", "c", "e"])
        #expect(walk.dynamics == ["d", "f", "g", "h"])
    }

    /// What a cancelled walk reports, and which modules it asked for before it stopped.
    struct Stopped: Sendable {
        var asked: [String]
        var error: ImportMapError?
    }

    static func walkInATask(cancelAt: String?, cancelFirst: Bool = false) async -> Stopped {
        await Task {
            if cancelFirst { withUnsafeCurrentTask { $0?.cancel() } }
            var visitor = MemoryGraph(Self.graph, cancelAt: cancelAt)
            do throws(ImportMapError) {
                _ = try await ModuleGraph.walk(from: ["a"], visitor: &visitor)
                return Stopped(asked: visitor.asked, error: nil)
            } catch {
                return Stopped(asked: visitor.asked, error: error)
            }
        }.value
    }

    @Test func cancellationStopsTheWalkBeforeTheNextModule() async {
        let midway = await Self.walkInATask(cancelAt: "b")
        #expect(midway.asked == ["a", "b"])
        #expect(midway.error?.kind == .cancelled)
        #expect(midway.error?.message == "the work was stopped: its client went away")

        let inDynamics = await Self.walkInATask(cancelAt: "d")
        #expect(inDynamics.asked == ["a", "b", "c", "e", "d"])
        #expect(inDynamics.error?.kind == .cancelled)

        let before = await Self.walkInATask(cancelAt: nil, cancelFirst: true)
        #expect(before.asked.isEmpty)
        #expect(before.error?.kind == .cancelled)

        let last = await Self.walkInATask(cancelAt: "h")
        #expect(last.asked.count == 8)
        #expect(last.error == nil, "cancelled after the last module: the walk is complete")
    }
}

/// `concurrently`: every item's result paired with it in the order given, at most `width` at once.
@Suite struct ConcurrentlyTests {
    /// Opens once; those who wait before then resume when it opens.
    final class Gate: Sendable {
        private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

        func wait() async {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.open { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }

        func open() {
            let waiting = state.withLock { state in
                state.open = true
                defer { state.waiting = [] }
                return state.waiting
            }
            waiting.forEach { $0.resume() }
        }
    }

    /// Counts the work in flight and the most ever in flight at once.
    final class InFlight: Sendable {
        let now = Atomic<Int>(0)
        let most = Atomic<Int>(0)

        /// Returns how many are in flight with this one.
        func enter() -> Int {
            let count = now.add(1, ordering: .sequentiallyConsistent).newValue
            most.max(count, ordering: .sequentiallyConsistent)
            return count
        }

        func leave() { now.subtract(1, ordering: .sequentiallyConsistent) }
    }

    @Test func resultsComeBackInTheOrderOfTheItems() async {
        // The first item finishes last: it waits for the second one's end.
        let secondDone = Gate()
        let results = await concurrently([0, 1, 2], width: 3) { item -> String? in
            if item == 0 { await secondDone.wait() }
            if item == 1 { secondDone.open() }
            return item == 2 ? nil : "v\(item)"
        }
        #expect(results.map(\.0) == [0, 1, 2])
        #expect(results.map(\.1) == ["v0", "v1", nil])
    }

    @Test(arguments: [1, 3, 16])
    func atMostWidthRunAtOnce(width: Int) async {
        let items = Array(0..<10)
        let inFlight = InFlight()
        // The first `width` items (as many as are started at once) wait until all of them are in
        // flight, so the walk reaches its width; more would show in `most`.
        let full = Gate()
        let started = min(width, items.count)
        let results = await concurrently(items, width: width) { item -> Int? in
            if inFlight.enter() == started { full.open() }
            if item < started { await full.wait() }
            inFlight.leave()
            return item * 2
        }
        #expect(inFlight.most.load(ordering: .sequentiallyConsistent) == started)
        #expect(results.map(\.0) == items)
        #expect(results.map(\.1) == items.map { $0 * 2 })
    }

    /// The task that waits for the first item, cancelled while the first two are in flight.
    final class Holder: Sendable {
        let task = Mutex<Task<[(Int, Int?)], Never>?>(nil)
        let set = Gate()

        func cancel() async {
            await set.wait()
            task.withLock { $0 }?.cancel()
        }
    }

    /// Items not started before the task was cancelled come back with nil, as documented.
    @Test func itemsThatCancellationSkippedComeBackWithNil() async {
        let holder = Holder()
        let cancelled = Gate()
        let task = Task {
            await concurrently(Array(0..<6), width: 2) { item -> Int? in
                if item == 0 {
                    await holder.cancel()
                    cancelled.open()
                } else {
                    await cancelled.wait()
                }
                return item
            }
        }
        holder.task.withLock { $0 = task }
        holder.set.open()
        let results = await task.value
        #expect(results.map(\.0) == [0, 1, 2, 3, 4, 5])
        #expect(results.map(\.1) == [0, 1, nil, nil, nil, nil])
    }
}
