internal import CLMDB
import Dispatch
import Glibc
import Synchronization

/// The one LMDB environment of the process. Reads run inline in short snapshots; every write
/// goes through one serial writer queue, which also grows the map when a write finds it full.
///
/// The contract every backend keeps (the domain relies on it; a PostgreSQL one must keep it too):
/// - `read` runs its closure inline, on the caller's thread, in a snapshot of every write committed
///   before it began: never a write still in flight, never half of one.
/// - Writes are serialised: one runs at a time and sees all that committed before it. Its closure
///   may run more than once (a full map is grown and the closure retried), so it is synchronous and
///   free of outside effects; if it throws, nothing of it commits and it is not retried.
/// - When `write` returns, its commit is visible to every later read and survives a process crash.
///   With `durable: true` it, and every commit before it, also survives a power cut; without, a
///   power cut may undo the latest commits, whole, never corrupting the store.
/// - Scans visit keys in ascending bytewise order.
/// - `close()` ends the store for good: see there.
public final class StoreEnvironment: @unchecked Sendable {
    /// Written on creation, checked on open: a store from another format is refused, not misread.
    public static let formatVersion = "wharf-store-1"

    public let path: String
    let env: OpaquePointer
    private let gate = ResizeGate()
    private let writer = DispatchQueue(label: "wharf.storage.writer", qos: .userInitiated)
    /// Writes waiting for the writer queue's next group commit.
    private let queued = QueuedWrites()
    private static let writerKey = DispatchSpecificKey<Bool>()
    private let tables = Mutex<[String: Table]>([:])
    private let closed = Atomic<Bool>(false)
    public let options: StoreOptions

    /// Opens (creating if needed) the environment in the directory `path`.
    public init(path: String, options: StoreOptions = StoreOptions()) throws {
        self.path = path
        self.options = options
        writer.setSpecific(key: Self.writerKey, value: true)
        try Self.makeDirectory(path)
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "env create")
        guard let env else { throw StorageError.backend(ENOMEM, operation: "env create") }
        self.env = env
        do {
            try check(mdb_env_set_maxdbs(env, 64), "set maxdbs")
            try check(mdb_env_set_maxreaders(env, options.maxReaders), "set maxreaders")
            var flags = UInt32(MDB_NOTLS)
            if !options.durableMetaSync { flags |= UInt32(MDB_NOMETASYNC) }
            // Opened at the size the store last had (a map that grew stays grown), then raised to
            // the configured size when that is larger.
            try check(mdb_env_open(env, path, flags, 0o644), "open \(path)")
            var dead: Int32 = 0
            try check(mdb_reader_check(env, &dead), "reader check")
            var info = MDB_envinfo()
            try check(mdb_env_info(env, &info), "env info")
            let wanted = max(options.mapSize, 1 << 20)
            if info.me_mapsize < wanted { try check(mdb_env_set_mapsize(env, wanted), "set mapsize") }
        } catch {
            close()  // a throwing init still runs deinit once every property is set: close() only once
            throw error
        }
        let meta = try table("meta")
        let expected = Self.formatVersion
        let found: String? = try writeNow(durable: true) { txn in
            if let existing = try txn.get(meta, key: StoreKey.make("format")) {
                return String(decoding: existing, as: UTF8.self)
            }
            try txn.put(meta, key: StoreKey.make("format"), value: Array(expected.utf8))
            return nil
        }
        if let found, found != expected {
            close()
            throw StorageError(.incompatibleFormat(found: found, expected: expected), operation: "open \(path)")
        }
    }

    deinit { close() }

    /// Closes the environment; later calls do nothing. The write running and the reads open finish
    /// first; from then on every read, write and statistics call throws `.closed`. Callers should
    /// have stopped using it: a write queued behind the close fails rather than commits.
    public func close() {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        // The last reference can go away inside a write closure, on the writer queue itself:
        // no write can be running then, and waiting on the queue would deadlock.
        if DispatchQueue.getSpecific(key: Self.writerKey) == nil { writer.sync {} }
        gate.withExclusive { mdb_env_close(env) }
    }

    private static func makeDirectory(_ path: String) throws {
        var components: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            components.append(String(part))
            let prefix = components.joined(separator: "/")
            if prefix.isEmpty { continue }
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw StorageError.backend(errno, operation: "mkdir \(prefix)")
            }
        }
    }

    /// Opens (creating when missing) a named table. Call at start-up, not per request.
    public func table(_ name: String) throws -> Table {
        if let known = tables.withLock({ $0[name] }) { return known }
        let table: Table = try writeNow { txn in
            var dbi: MDB_dbi = 0
            try check(mdb_dbi_open(txn.txn, name, UInt32(MDB_CREATE), &dbi), "open table \(name)")
            return Table(name: name, dbi: dbi)
        }
        tables.withLock { $0[name] = table }
        return table
    }

    /// Checked under the shared gate: `close()` takes the gate exclusively, so an environment seen
    /// open here stays open until the transaction ends.
    private func ensureOpen(_ operation: String) throws {
        if closed.load(ordering: .acquiring) { throw StorageError(.closed, operation: operation) }
    }

    // MARK: reads

    /// Runs `body` in a read snapshot of the committed writes, inline. Keep it short: long readers
    /// block page reuse (and, in any backend, hold a snapshot alive).
    public func read<T>(_ body: (borrowing ReadTransaction) throws -> T) throws -> T {
        while true {
            let outcome: T? = try gate.withShared {
                try ensureOpen("read")
                var txn: OpaquePointer?
                let rc = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn)
                if rc == MDB_MAP_RESIZED { return nil }
                try check(rc, "begin read")
                defer { mdb_txn_abort(txn) }
                return try body(ReadTransaction(handle: TransactionHandle(txn!)))
            }
            if let outcome { return outcome }
            try adoptResizedMap()
        }
    }

    // MARK: writes

    /// Runs `body` in a write transaction on the writer queue and commits it. On a full map the
    /// transaction is aborted, the map doubled and `body` run again, so no caller ever sees it:
    /// `body` must not touch anything outside the transaction.
    /// `durable`: the commit (and every one before it) is on disk when this returns; use it for what
    /// a client is told is done (publishes, tokens). Without it a power cut may undo the last commit.
    ///
    /// Writes queued while one commits go in together (group commit): each in its own nested
    /// transaction, so one that throws leaves the others whole, under one commit and one disk flush.
    public func write<T: Sendable>(durable: Bool = false, _ body: @escaping @Sendable (borrowing WriteTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            write(durable: durable, body) { continuation.resume(with: $0) }
        }
    }

    /// `write` for callers that do not wait in a task (the edge cache's event-loop fetches): `then`
    /// runs on the writer queue once the commit is done; keep it short.
    public func write<T: Sendable>(
        durable: Bool = false, _ body: @escaping @Sendable (borrowing WriteTransaction) throws -> T,
        then: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let value = ValueBox<T>()
        queued.enqueue(QueuedWrite(
            durable: durable,
            run: { txn in value.value = try body(txn) },
            finish: { outcome in then(outcome.map { value.value! }) }
        )) { writer.async { self.commitQueued() } }
    }

    /// The synchronous form, for start-up and command-line tools; never call it from the writer.
    public func writeNow<T>(durable: Bool = false, _ body: (borrowing WriteTransaction) throws -> T) throws -> T {
        try writer.sync { try runWrite(durable: durable, body) }
    }

    private func runWrite<T>(durable: Bool, _ body: (borrowing WriteTransaction) throws -> T) throws -> T {
        let value = try runWrite(body)
        if durable { try syncToDisk() }
        return value
    }

    private func runWrite<T>(_ body: (borrowing WriteTransaction) throws -> T) throws -> T {
        try retryingOnFullMap {
            try gate.withShared {
                try ensureOpen("write")
                var txn: OpaquePointer?
                try check(mdb_txn_begin(env, nil, 0, &txn), "begin write")
                let value: T
                do {
                    value = try body(WriteTransaction(handle: TransactionHandle(txn!)))
                } catch {
                    mdb_txn_abort(txn)
                    throw error
                }
                // mdb_txn_commit frees the transaction even when it fails: never abort after it.
                try check(mdb_txn_commit(txn), "commit")
                return value
            }
        }
    }

    /// Runs `attempt` until it stops finding the map full (then grown) or resized by another
    /// process (then adopted): a write transaction that hit either was aborted whole.
    private func retryingOnFullMap<T>(_ attempt: () throws -> T) throws -> T {
        while true {
            do {
                return try attempt()
            } catch let error as StorageError where error.isMapFull {
                try growMap()
            } catch let error as StorageError where error.isMapResized {
                try adoptResizedMap()
            }
        }
    }

    /// Commits the writes queued so far (up to `QueuedWrites.batchLimit`) as one transaction, each
    /// in a nested one, then tells each its outcome. Runs on the writer queue.
    private func commitQueued() {
        let (batch, more) = queued.take()
        if more { writer.async { self.commitQueued() } }
        guard !batch.isEmpty else { return }
        var outcomes: [Result<Void, any Error>]
        do {
            outcomes = try runBatch(batch)
        } catch {
            outcomes = batch.map { _ in .failure(error) }
        }
        // One flush for every durable write that committed; if it fails, only they are told so.
        let durable = batch.indices.filter { batch[$0].durable && (try? outcomes[$0].get()) != nil }
        if !durable.isEmpty {
            do {
                try syncToDisk()
            } catch {
                for index in durable { outcomes[index] = .failure(error) }
            }
        }
        for (write, outcome) in zip(batch, outcomes) { write.finish(outcome) }
    }

    /// One parent transaction, a child per write; a full map aborts all of it, grows, and runs the
    /// whole batch again (each closure is free of outside effects, so running it twice is safe).
    private func runBatch(_ batch: [QueuedWrite]) throws -> [Result<Void, any Error>] {
        try retryingOnFullMap {
            try gate.withShared {
                try ensureOpen("write")
                var parent: OpaquePointer?
                try check(mdb_txn_begin(env, nil, 0, &parent), "begin write")
                var outcomes: [Result<Void, any Error>] = []
                outcomes.reserveCapacity(batch.count)
                for write in batch {
                    var child: OpaquePointer?
                    let rc = mdb_txn_begin(env, parent, 0, &child)
                    if rc != MDB_SUCCESS {
                        mdb_txn_abort(parent)
                        try check(rc, "begin nested write")
                    }
                    do {
                        try write.run(WriteTransaction(handle: TransactionHandle(child!)))
                        // A child's commit only merges into the parent; it cannot fill the map.
                        let committed = mdb_txn_commit(child)
                        outcomes.append(committed == MDB_SUCCESS ? .success(()) : .failure(StorageError.backend(committed, operation: "commit nested write")))
                    } catch let error as StorageError where error.isMapFull {
                        mdb_txn_abort(child)
                        mdb_txn_abort(parent)
                        throw error
                    } catch {
                        mdb_txn_abort(child)
                        outcomes.append(.failure(error))
                    }
                }
                // mdb_txn_commit frees the transaction even when it fails: never abort after it.
                try check(mdb_txn_commit(parent), "commit")
                return outcomes
            }
        }
    }

    /// Flushes every commit so far to disk (what `durable` promises).
    private func syncToDisk() throws {
        try gate.withShared {
            try ensureOpen("sync")
            try check(mdb_env_sync(env, 1), "sync")
        }
        options.onSync?()
    }

    /// Doubles the map once every transaction of the process has ended.
    private func growMap() throws {
        try gate.withExclusive {
            try ensureOpen("grow map")
            var info = MDB_envinfo()
            try check(mdb_env_info(env, &info), "env info")
            try check(mdb_env_set_mapsize(env, info.me_mapsize * 2), "grow map")
        }
    }

    /// Another process grew the map: take its size (LMDB reads it back when given zero).
    private func adoptResizedMap() throws {
        try gate.withExclusive {
            try ensureOpen("adopt map size")
            try check(mdb_env_set_mapsize(env, 0), "adopt map size")
        }
    }

    /// The id of the last write committed by any process sharing the store: it changes with every
    /// commit, so a reader can tell in a few nanoseconds (no transaction) that nothing was written.
    public func lastCommittedTransaction() -> UInt64 {
        gate.withShared {
            if closed.load(ordering: .acquiring) { return 0 }
            var info = MDB_envinfo()
            return mdb_env_info(env, &info) == MDB_SUCCESS ? UInt64(info.me_last_txnid) : 0
        }
    }

    // MARK: statistics

    public struct Statistics: Sendable {
        public var mapSize: Int
        public var usedBytes: Int
        public var pageSize: Int
        public var readers: Int
    }

    public func statistics() throws -> Statistics {
        try gate.withShared {
            try ensureOpen("statistics")
            var info = MDB_envinfo()
            var stat = MDB_stat()
            try check(mdb_env_info(env, &info), "env info")
            try check(mdb_env_stat(env, &stat), "env stat")
            return Statistics(
                mapSize: info.me_mapsize,
                usedBytes: (info.me_last_pgno + 1) * Int(stat.ms_psize),
                pageSize: Int(stat.ms_psize),
                readers: Int(info.me_numreaders)
            )
        }
    }
}
