import Tarball

/// What one Eik publish may bring (`[registry]` in proxy.conf).
public struct RegistryLimits: Sendable, Equatable {
    /// The tarball as sent, gzipped or not.
    public var maxPackageSize = 10_000_000
    public var maxMapSize = 1_000_000
    /// All files of a version, unpacked.
    public var maxUnpackedSize = 100 << 20
    public var maxFiles = 10_000

    public init() {}

    var tar: TarLimits { TarLimits(maxCompressedSize: maxPackageSize, maxUncompressedSize: maxUnpackedSize, maxEntries: maxFiles) }
}
