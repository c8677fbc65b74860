internal import CLMDB

/// A write transaction, handed to closures that run on the store's one writer thread.
/// Closures must be synchronous and free of outside effects: on a full map they run again.
///
/// Contract (every backend): writes are serialised, one at a time, each seeing every write committed
/// before it; all of a closure's changes commit together or, when it throws, none of them do.
public struct WriteTransaction: ~Copyable, StoreTransaction {
    public let handle: TransactionHandle

    public func put(_ table: Table, key: [UInt8], value: [UInt8]) throws {
        try value.withUnsafeBytes { try put(table, key: key, bytes: $0, flags: 0) }
    }

    public func put(_ table: Table, key: [UInt8], bytes: UnsafeRawBufferPointer) throws {
        try put(table, key: key, bytes: bytes, flags: 0)
    }

    /// Inserts only when the key is absent; returns false when it already existed.
    public func insert(_ table: Table, key: [UInt8], value: [UInt8]) throws -> Bool {
        do {
            try value.withUnsafeBytes { try put(table, key: key, bytes: $0, flags: UInt32(MDB_NOOVERWRITE)) }
            return true
        } catch let error as StorageError where error.backendCode == MDB_KEYEXIST {
            return false
        }
    }

    private func put(_ table: Table, key: [UInt8], bytes: UnsafeRawBufferPointer, flags: UInt32) throws {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            var v = MDB_val(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            try check(mdb_put(txn, table.dbi, &k, &v, flags), "put \(table.name)")
        }
    }

    /// Deletes the key; returns false when it was not there.
    @discardableResult
    public func delete(_ table: Table, key: [UInt8]) throws -> Bool {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            let rc = mdb_del(txn, table.dbi, &k, nil)
            if rc == MDB_NOTFOUND { return false }
            try check(rc, "delete \(table.name)")
            return true
        }
    }

    /// Keys under `prefix`, collected first so that deleting them does not disturb the walk.
    public func keys(_ table: Table, prefix: [UInt8]) throws -> [[UInt8]] {
        var keys: [[UInt8]] = []
        try scan(table, prefix: prefix) { key, _ in keys.append(Array(key)); return true }
        return keys
    }
}
