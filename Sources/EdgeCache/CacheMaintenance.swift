import Storage

/// Cache-wide operations that need the store but no upstream: `wharf cache stats|purge`,
/// `/metrics`, and the rebuild token's purge.
public struct CacheMaintenance: Sendable {
    public let blobs: BlobStore
    let entries: Table
    /// Each purge, for the processes that keep copies of what it removes.
    public let purges: PurgeLog
    var inFlight = 0
    /// Told the prefix of each purge once it committed.
    var purged: @Sendable (String) -> Void = { _ in }

    static func entriesTable(in environment: StoreEnvironment) throws -> Table {
        try environment.table("cache.entries")
    }

    /// Opens the cache tables of a store directly.
    public init(blobs: BlobStore) throws {
        self.blobs = blobs
        self.entries = try Self.entriesTable(in: blobs.environment)
        self.purges = try PurgeLog(environment: blobs.environment)
    }

    init(blobs: BlobStore, entries: Table, purges: PurgeLog, inFlight: Int, purged: @escaping @Sendable (String) -> Void) {
        self.blobs = blobs
        self.entries = entries
        self.purges = purges
        self.inFlight = inFlight
        self.purged = purged
    }

    var environment: StoreEnvironment { blobs.environment }

    /// Deletes every entry whose key (`host/path`) starts with `prefix`; returns how many.
    public func purge(prefix: String) async throws -> Int {
        let scanFrom = Array(StoreKey.make(prefix).prefix(StoreKey.keptPrefixLength))
        let blobs = blobs, entries = entries, purges = purges
        defer { purged(prefix) }
        return try await environment.write { txn in
            var doomed: [([UInt8], CacheEntry)] = []
            try txn.scan(entries, prefix: scanFrom) { key, value in
                let entry = try CacheEntry.decode(value)
                if entry.key.hasPrefix(prefix) { doomed.append((Array(key), entry)) }
                return true
            }
            for (key, entry) in doomed {
                try txn.delete(entries, key: key)
                for blob in entry.blobs { try blobs.release(blob, in: txn) }
            }
            try purges.append(prefix, in: txn)
            return doomed.count
        }
    }

    /// Keys of the stored 200 answers under `prefix` (files, not redirects or remembered 404s).
    public func keys(prefix: String) throws -> [String] {
        let scanFrom = Array(StoreKey.make(prefix).prefix(StoreKey.keptPrefixLength))
        return try environment.read { txn in
            var found: [String] = []
            try txn.scan(entries, prefix: scanFrom) { _, value in
                let entry = try CacheEntry.decode(value)
                if entry.status == 200, entry.key.hasPrefix(prefix) { found.append(entry.key) }
                return true
            }
            return found
        }
    }

    public struct Statistics: Sendable {
        public var entries: Int
        public var blobs: BlobStore.Statistics
        public var store: StoreEnvironment.Statistics
        public var inFlight: Int
    }

    public func entryCount() throws -> Int {
        try environment.read { try $0.count(entries) }
    }

    public func statistics() throws -> Statistics {
        Statistics(
            entries: try environment.read { try $0.count(entries) },
            blobs: try blobs.statistics(),
            store: try environment.statistics(),
            inFlight: inFlight
        )
    }
}
