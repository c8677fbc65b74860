/// What a `StoreTransaction` hands its operations: opaque outside Storage, so no backend type
/// (today an LMDB transaction pointer) reaches the targets above. Valid only inside the closure.
public struct TransactionHandle {
    let txn: OpaquePointer

    init(_ txn: OpaquePointer) { self.txn = txn }
}
