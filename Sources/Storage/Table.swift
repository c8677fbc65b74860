internal import CLMDB

/// A named key-value table of the store (an LMDB database inside the environment). Handles are
/// opened once, at start-up; what identifies it to the backend stays inside Storage.
public struct Table: Sendable, Hashable {
    public let name: String
    let dbi: MDB_dbi
}
