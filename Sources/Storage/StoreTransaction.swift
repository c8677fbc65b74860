internal import CLMDB

/// What read and write transactions both offer: lookups, prefix scans and counts.
///
/// Contract (every backend): keys and values are byte strings; `scan` visits keys in ascending
/// unsigned bytewise order (shorter first on a common prefix); lookups inside a write transaction
/// see that transaction's own puts and deletes; pointers handed to closures die with the closure.
public protocol StoreTransaction: ~Copyable {
    /// The backend's transaction; only Storage can look inside it.
    var handle: TransactionHandle { get }
}

extension StoreTransaction where Self: ~Copyable {
    var txn: OpaquePointer { handle.txn }

    /// Calls `body` with the stored bytes; the pointer is valid only inside `body`.
    public func withValue<T>(_ table: Table, key: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            var v = MDB_val()
            let rc = mdb_get(txn, table.dbi, &k, &v)
            if rc == MDB_NOTFOUND { return nil }
            try check(rc, "get \(table.name)")
            return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
        }
    }

    public func get(_ table: Table, key: [UInt8]) throws -> [UInt8]? {
        try withValue(table, key: key) { Array($0) }
    }

    public func contains(_ table: Table, key: [UInt8]) throws -> Bool {
        try withValue(table, key: key) { _ in true } ?? false
    }

    /// Visits keys from `prefix` on, in key order, while they start with `prefix` and `body` returns true.
    public func scan(_ table: Table, prefix: [UInt8], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn, table.dbi, &cursor), "cursor \(table.name)")
        defer { mdb_cursor_close(cursor) }
        try prefix.withUnsafeBytes { prefixBytes in
            var k = MDB_val(mv_size: prefixBytes.count, mv_data: UnsafeMutableRawPointer(mutating: prefixBytes.baseAddress))
            var v = MDB_val()
            var op = prefix.isEmpty ? MDB_FIRST : MDB_SET_RANGE
            while true {
                let rc = mdb_cursor_get(cursor, &k, &v, op)
                if rc == MDB_NOTFOUND { return }
                try check(rc, "cursor get \(table.name)")
                let key = UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size)
                guard key.starts(with: prefixBytes) else { return }
                guard try body(key, UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)) else { return }
                op = MDB_NEXT
            }
        }
    }

    /// Number of records in the table.
    public func count(_ table: Table) throws -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(txn, table.dbi, &stat), "stat \(table.name)")
        return Int(stat.ms_entries)
    }
}
