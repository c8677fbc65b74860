/// What a module graph walk asks of its user: the edges of one module, and a chance to fetch a
/// whole frontier at once.
protocol ModuleGraphVisitor {
    /// The modules `url` imports statically, and those it imports only dynamically.
    mutating func edges(of url: String) async throws(ImportMapError) -> ModuleGraph.Edges
    /// Whether `url` is fetched already; when the head of the queue is not, `prefetch` gets the queue.
    func isFetched(_ url: String) -> Bool
    /// Fetches the modules of `frontier` at once, so a cold walk waits one round trip per level of
    /// the graph, not one per module. Failures are left for `edges`.
    mutating func prefetch(_ frontier: [String]) async
}

extension ModuleGraphVisitor {
    func isFetched(_ url: String) -> Bool { true }
    mutating func prefetch(_ frontier: [String]) async {}
}

/// The one breadth-first walk of a module graph in ImportMaps (generation, `exclude=unused`
/// listings, esm.sh rewrites): every module reachable statically, in the order first met, then
/// those only dynamic imports reach. Stops when its task is cancelled.
enum ModuleGraph {
    struct Edges: Sendable {
        var statics: [String] = []
        var dynamics: [String] = []
    }

    struct Walk: Sendable {
        var statics: [String] = []
        var dynamics: [String] = []
        var all: [String] { statics + dynamics }
    }

    /// `limit` bounds the modules one walk visits (a hostile graph could be endless).
    static func walk<Visitor: ModuleGraphVisitor>(from roots: [String], visitor: inout Visitor, limit: Int = 50_000) async throws(ImportMapError) -> Walk {
        var walk = Walk()
        var seen = Set<String>()
        var dynamicRoots: [String] = []
        try await visit(roots, visitor: &visitor, limit: limit, seen: &seen) { url, edges in
            walk.statics.append(url)
            dynamicRoots += edges.dynamics
            return edges.statics
        }
        try await visit(dynamicRoots, visitor: &visitor, limit: limit, seen: &seen) { url, edges in
            walk.dynamics.append(url)
            return edges.statics + edges.dynamics
        }
        return walk
    }

    /// Visits `queue` in order, skipping modules `seen` already; `next` records a module and
    /// says which of its edges join the queue.
    private static func visit<Visitor: ModuleGraphVisitor>(
        _ queue: [String], visitor: inout Visitor, limit: Int, seen: inout Set<String>,
        next: (String, Edges) -> [String]
    ) async throws(ImportMapError) {
        var queue = queue[...]
        while let url = queue.first {
            if Task.isCancelled { throw ImportMapError(.cancelled, "the work was stopped: its client went away") }
            if !visitor.isFetched(url) { await visitor.prefetch(Array(queue)) }
            queue.removeFirst()
            guard seen.insert(url).inserted else { continue }
            guard seen.count <= limit else { throw ImportMapError(.upstream, "more than \(limit) modules traced from \(url)") }
            queue += next(url, try await visitor.edges(of: url))
        }
    }
}

/// `work` for every item, at most `width` at a time, stopping early when the task is cancelled.
/// Every item comes back, in the order given: with nil where its work returned nil or
/// cancellation skipped it.
func concurrently<Item: Sendable, Value: Sendable>(
    _ items: [Item], width: Int = 16, _ work: @escaping @Sendable (Item) async -> Value?
) async -> [(Item, Value?)] {
    await withTaskGroup(of: (Int, Value?).self) { group in
        var next = 0, results: [(Item, Value?)] = items.map { ($0, nil) }
        func add() {
            guard next < items.count, !Task.isCancelled else { return }
            let index = next, item = items[next]
            next += 1
            group.addTask { (index, await work(item)) }
        }
        for _ in 0..<width { add() }
        for await (index, value) in group {
            results[index].1 = value
            add()
        }
        return results
    }
}
