import Storage

/// Every purge of the edge cache in commit order, kept in the store beside the entries it removed,
/// so a process sharing the store (the server, while `wharf cache purge` runs in another) learns
/// what left and drops its in-memory copies too.
public struct PurgeLog: Sendable {
    let table: Table
    let environment: StoreEnvironment
    /// Records kept; a reader further behind than this is told that anything may have gone.
    static let kept: UInt64 = 256

    init(environment: StoreEnvironment) throws {
        self.environment = environment
        self.table = try environment.table("cache.purges")
    }

    /// What was purged after a sequence number: the prefixes, or nil when the log no longer reaches
    /// back that far (treat everything as purged).
    public struct Since: Sendable, Equatable {
        public var last: UInt64
        public var prefixes: [String]?
    }

    /// Records `prefix` in the purge's own transaction: the entries and the record commit together.
    func append(_ prefix: String, in txn: borrowing WriteTransaction) throws {
        let records = try Self.records(in: txn, table: table)
        let sequence = (records.last?.sequence ?? 0) + 1
        try txn.put(table, key: Self.key(sequence), value: Array(prefix.utf8))
        for record in records where record.sequence + Self.kept <= sequence {
            _ = try txn.delete(table, key: Self.key(record.sequence))
        }
    }

    /// The purges committed after `sequence` (0: since the store was made).
    public func since(_ sequence: UInt64) throws -> Since {
        let records = try environment.read { txn in try Self.records(in: txn, table: table) }
        let last = records.last?.sequence ?? 0
        // Sequences start at 1 and are pruned from the oldest: a gap after `sequence` means loss.
        if let first = records.first, first.sequence > sequence + 1 { return Since(last: last, prefixes: nil) }
        return Since(last: last, prefixes: records.filter { $0.sequence > sequence }.map(\.prefix))
    }

    private static func records(in txn: borrowing some StoreTransaction & ~Copyable, table: Table) throws -> [(sequence: UInt64, prefix: String)] {
        var found: [(sequence: UInt64, prefix: String)] = []
        try txn.scan(table, prefix: []) { key, value in
            guard key.count == 8 else { return true }
            let sequence = key.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            found.append((sequence, String(decoding: value, as: UTF8.self)))
            return true
        }
        return found
    }

    /// Big-endian, so key order is commit order.
    private static func key(_ sequence: UInt64) -> [UInt8] {
        (0..<8).reversed().map { UInt8(truncatingIfNeeded: sequence >> (UInt64($0) * 8)) }
    }
}
