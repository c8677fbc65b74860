import Storage

/// A store and its blobs in a fresh temporary directory: the three lines most Storage and
/// Registry tests began with. The store closes before its directory is removed.
public final class TemporaryStore: Sendable {
    public let directory: TemporaryDirectory
    public let environment: StoreEnvironment
    public let blobs: BlobStore

    public init(_ label: String = "store", options: StoreOptions = StoreOptions()) throws {
        directory = TemporaryDirectory(label)
        environment = try StoreEnvironment(path: directory.path, options: options)
        blobs = try BlobStore(environment: environment)
    }

    deinit { environment.close() }
}
