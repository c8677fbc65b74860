/// Bounds on what an untrusted upload may cost us; each is checked while reading, before the cost is paid.
public struct TarLimits: Sendable, Equatable {
    /// Largest upload accepted, in bytes, compressed or not (default 10 MiB).
    public var maxCompressedSize: Int
    /// Largest total of member data (file contents, including skipped members and PAX/GNU records), in bytes (default 100 MiB).
    public var maxUncompressedSize: Int
    /// Most archive members (files, directories, links…; PAX/GNU metadata headers not counted) (default 10 000).
    public var maxEntries: Int
    /// Largest ratio of inflated to consumed gzip bytes, checked on the running totals (default 200).
    public var maxCompressionRatio: Int
    /// The ratio is only enforced once this many bytes have been inflated, so tiny archives of zeros pass (default 1 MiB).
    public var ratioCheckThreshold: Int

    public init(
        maxCompressedSize: Int = 10 * 1024 * 1024,
        maxUncompressedSize: Int = 100 * 1024 * 1024,
        maxEntries: Int = 10_000,
        maxCompressionRatio: Int = 200,
        ratioCheckThreshold: Int = 1024 * 1024
    ) {
        self.maxCompressedSize = maxCompressedSize
        self.maxUncompressedSize = maxUncompressedSize
        self.maxEntries = maxEntries
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioCheckThreshold = ratioCheckThreshold
    }

    /// The limits a registry uses for package uploads unless configured otherwise.
    public static let `default` = TarLimits()

    /// Largest inflated stream we will produce: member data plus generous room for headers and padding.
    var maxInflatedStreamSize: Int {
        let (overhead, o1) = maxEntries.multipliedReportingOverflow(by: 4096)
        let (total, o2) = maxUncompressedSize.addingReportingOverflow(o1 ? .max : overhead)
        let (withSlack, o3) = total.addingReportingOverflow(1024 * 1024)
        return o2 || o3 ? .max : withSlack
    }
}
