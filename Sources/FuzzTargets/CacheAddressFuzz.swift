import EdgeCache

/// What follows `/cdn/` in a request: an address is refused or stays on its allowlisted host with
/// no dot or empty segment, and its encoded form parses back to the same address.
enum CacheAddressFuzz {
    static let upstreams: UpstreamSet = {
        var set = UpstreamSet()
        for host in ["ga.jspm.io", "esm.sh", "unpkg.com", "registry.npmjs.org"] { set.set(host: host, origin: Origin("https://\(host)")!) }
        return set
    }()

    static func run(_ bytes: [UInt8]) {
        let text = bytes.text
        let parts = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let query = parts.count > 1 ? String(parts[1]) : nil
        guard let address = try? CacheAddress.parse(parts[0], query: query, upstreams: upstreams) else { return }
        require(upstreams.origin(for: address.host) != nil, "left the allowlist: \(address.host)")
        let segments = address.path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        require(!segments.dropLast().contains { $0.isEmpty || $0 == "." || $0 == ".." }, "a dot or empty segment in \(address.path)")
        let again = try? CacheAddress.parse(Substring(address.host + address.encodedPath), query: address.query, upstreams: upstreams)
        require(again == address, "\(address) does not survive encode → parse")
    }
}
