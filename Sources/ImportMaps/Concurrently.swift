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
