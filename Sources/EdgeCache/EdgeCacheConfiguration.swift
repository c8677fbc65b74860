/// Everything the edge cache needs to know from proxy.conf and the command line.
public struct EdgeCacheConfiguration: Sendable {
    public var upstreams: UpstreamSet
    /// Never contact an upstream: cached entries are served (even stale), misses fail with `offlineMiss`.
    public var offline: Bool
    public var freshness: FreshnessPolicy
    /// Larger upstream objects are refused and not cached.
    public var maxObjectSize: Int
    /// How long opening a connection to an origin may take.
    public var connectTimeout: Duration
    /// How long to wait for an origin's status line, and the longest silence between two reads of its body.
    public var readTimeout: Duration
    public var userAgent: String
    /// JavaScript bodies up to this size are held until complete and relinked when they use
    /// root-relative specifiers; larger ones stream as they are.
    public var maxRelinkedSize: Int = 16 << 20
    /// When an upstream counts as down (and how often it is probed then).
    public var health = UpstreamHealthPolicy()
    /// How slow a body may arrive, and how long a whole fetch may take.
    public var pace = TransferPacePolicy()

    public init(
        upstreams: UpstreamSet = UpstreamSet(),
        offline: Bool = false,
        freshness: FreshnessPolicy = FreshnessPolicy(),
        maxObjectSize: Int = 100 << 20,
        connectTimeout: Duration = .seconds(10),
        readTimeout: Duration = .seconds(30),
        userAgent: String = "wharf/0.1"
    ) {
        self.upstreams = upstreams
        self.offline = offline
        self.freshness = freshness
        self.maxObjectSize = maxObjectSize
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.userAgent = userAgent
    }
}
