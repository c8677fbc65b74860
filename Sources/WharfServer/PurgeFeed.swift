import EdgeCache
import Storage
import Synchronization

/// Brings purges that another process committed to the shared store (`wharf cache purge` while the
/// server runs) into the hot cache before it answers: checking costs one look at the store's last
/// transaction id, and the purge log is read only when some write committed since the last look.
final class PurgeFeed: Sendable {
    private let environment: StoreEnvironment
    private let log: PurgeLog
    /// The last commit whose purges the hot cache has dropped.
    private let seenTransaction: Atomic<UInt64>
    /// The last purge record read; under its lock one thread reads the log at a time.
    private let seenPurge: Mutex<UInt64>

    init(environment: StoreEnvironment, log: PurgeLog) throws {
        self.environment = environment
        self.log = log
        // Read in this order: a purge committing in between is read again, never missed.
        seenTransaction = Atomic(environment.lastCommittedTransaction())
        seenPurge = Mutex(try log.since(0).last)
    }

    /// Calls `invalidate` with each prefix purged since the last call (nil: anything may have gone),
    /// before returning. Cheap when nothing was written.
    func catchUp(_ invalidate: (String?) -> Void) {
        let transaction = environment.lastCommittedTransaction()
        guard transaction != seenTransaction.load(ordering: .acquiring) else { return }
        seenPurge.withLock { seen in
            guard transaction != seenTransaction.load(ordering: .acquiring) else { return }
            if let since = try? log.since(seen) {
                if let prefixes = since.prefixes { prefixes.forEach { invalidate($0) } } else { invalidate(nil) }
                seen = since.last
            } else {
                // The log could not be read: drop everything rather than risk a stale answer.
                invalidate(nil)
            }
            seenTransaction.store(transaction, ordering: .releasing)
        }
    }
}
