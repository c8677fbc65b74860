/// A short read-only snapshot. It lives only inside `StoreEnvironment.read`, so it can never
/// outlive the request that opened it.
///
/// Contract (every backend): it sees the writes committed before it began, all of them and
/// nothing later; never a write still in flight, nor one that commits while it is open.
public struct ReadTransaction: ~Copyable, StoreTransaction {
    public let handle: TransactionHandle
}
