/// `work` for every item, at most `width` at a time, stopping early when the task is cancelled.
/// Items whose work returned nil, or that cancellation skipped, come back with nil.
func concurrently<Item: Sendable, Value: Sendable>(
    _ items: [Item], width: Int = 16, _ work: @escaping @Sendable (Item) async -> Value?
) async -> [(Item, Value?)] {
    await withTaskGroup(of: (Item, Value?).self) { group in
        var next = 0, results: [(Item, Value?)] = []
        func add() {
            guard next < items.count, !Task.isCancelled else { return }
            let item = items[next]
            next += 1
            group.addTask { (item, await work(item)) }
        }
        for _ in 0..<width { add() }
        for await result in group {
            results.append(result)
            add()
        }
        return results
    }
}
