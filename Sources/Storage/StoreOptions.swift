/// How the store is opened. Defaults suit a laptop; a gateway raises `mapSize`. Plain numbers and
/// switches: the LMDB flags they become are set inside `StoreEnvironment`.
public struct StoreOptions: Sendable {
    /// Initial map size in bytes; the writer doubles it whenever a write finds the map full.
    public var mapSize: Int
    /// Reader slots: every concurrent request holds one for the length of a read transaction.
    public var maxReaders: UInt32
    /// Bytes per blob chunk: large values are split so LMDB never needs huge contiguous runs.
    public var chunkSize: Int
    /// Skip the fsync of the meta page on commit: a process crash loses nothing, a power cut may
    /// lose the last transaction but never corrupts the store.
    /// Writes made with `durable: true` are flushed to disk before they return either way.
    public var durableMetaSync: Bool
    /// Called on the writer after each durable write is on disk, before the write returns: a test
    /// records it to see that a registry answered only what a power cut cannot take back.
    public var onSync: (@Sendable () -> Void)?

    public init(
        mapSize: Int = 1 << 30, maxReaders: UInt32 = 1024, chunkSize: Int = 1 << 20, durableMetaSync: Bool = false,
        onSync: (@Sendable () -> Void)? = nil
    ) {
        self.mapSize = mapSize
        self.maxReaders = maxReaders
        self.chunkSize = chunkSize
        self.durableMetaSync = durableMetaSync
        self.onSync = onSync
    }
}
