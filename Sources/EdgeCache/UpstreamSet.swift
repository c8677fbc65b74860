import Foundation

/// An origin that serves a host's files: scheme, authority and an optional base path.
public struct Origin: Sendable, Hashable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int?
    public let basePath: String

    /// Parses `https://ga.jspm.io` or `http://127.0.0.1:9000/mirror`; nil when it is not http(s).
    public init?(_ string: String) {
        guard let components = URLComponents(string: string),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host?.lowercased(), !host.isEmpty,
              components.query == nil, components.fragment == nil
        else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = components.port
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
    }

    public var authority: String { port.map { "\(host):\($0)" } ?? host }
    public var description: String { "\(scheme)://\(authority)\(basePath)" }

    /// Same scheme, host and effective port: a URL on this origin.
    func serves(scheme: String, host: String, port: Int?) -> Bool {
        func effective(_ port: Int?, _ scheme: String) -> Int { port ?? (scheme == "https" ? 443 : 80) }
        return self.scheme == scheme && self.host == host && effective(self.port, self.scheme) == effective(port, scheme)
    }
}

/// The allowlist: the only hosts Wharf ever fetches from, each with the origin it fetches them at.
public struct UpstreamSet: Sendable {
    public private(set) var origins: [String: Origin]

    public init(_ origins: [String: Origin] = [:]) {
        self.origins = Dictionary(uniqueKeysWithValues: origins.map { ($0.key.lowercased(), $0.value) })
    }

    public mutating func set(host: String, origin: Origin) {
        origins[host.lowercased()] = origin
    }

    public func origin(for host: String) -> Origin? { origins[host] }

    public var hosts: [String] { origins.keys.sorted() }

    /// The allowlisted host an absolute URL belongs to (by the origin serving it, or by its name),
    /// with the URL's path relative to that host; nil when the URL is outside the allowlist.
    /// `preferring` names the host the URL came from: when several hosts share one origin (mirrors,
    /// tests), a same-origin redirect stays on that host.
    public func locate(_ url: URLComponents, preferring preferred: String? = nil) -> (host: String, path: String)? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        let path = url.percentEncodedPath
        let candidates = origins.sorted { ($0.key == preferred ? 0 : 1, $0.key) < ($1.key == preferred ? 0 : 1, $1.key) }
        for (name, origin) in candidates
        where origin.serves(scheme: scheme, host: host, port: url.port) && path.hasPrefix(origin.basePath + "/") {
            return (name, String(path.dropFirst(origin.basePath.count)))
        }
        return origins[host] != nil ? (host, path) : nil
    }
}
