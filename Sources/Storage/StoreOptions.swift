/// How the LMDB environment is opened. Defaults suit a laptop; a gateway raises `mapSize`.
public struct StoreOptions: Sendable {
    /// Initial map size in bytes; the writer doubles it whenever a write finds the map full.
    public var mapSize: Int
    /// Reader slots: every concurrent request holds one for the length of a read transaction.
    public var maxReaders: UInt32
    /// Bytes per blob chunk: large values are split so LMDB never needs huge contiguous runs.
    public var chunkSize: Int
    /// Skip the fsync of the meta page on commit: a process crash loses nothing, a power cut may
    /// lose the last transaction but never corrupts the store.
    public var durableMetaSync: Bool

    public init(mapSize: Int = 1 << 30, maxReaders: UInt32 = 1024, chunkSize: Int = 1 << 20, durableMetaSync: Bool = false) {
        self.mapSize = mapSize
        self.maxReaders = maxReaders
        self.chunkSize = chunkSize
        self.durableMetaSync = durableMetaSync
    }
}
