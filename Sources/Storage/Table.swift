import CLMDB

/// A named LMDB database inside the environment. Handles are opened once, at start-up.
public struct Table: Sendable, Hashable {
    public let name: String
    let dbi: MDB_dbi
}
