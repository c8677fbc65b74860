import EdgeCache
import Foundation
import ImportMaps
import Logging
import Registry
import Storage
import Tarball
import URLLayout

/// Wharf's settings: proxy.conf's keys, then command-line overrides. A setting of a domain type
/// lives in that type's configuration struct, which holds its default; only server settings are here.
public struct WharfConfiguration: Sendable {
    public typealias User = RegistryUser

    public var listenHost = "127.0.0.1"
    public var listenPort = 4001
    /// Base of every URL Wharf writes; derived from `listen` unless set.
    public var publicURL: String?
    public var dataDirectory = ".wharf"
    public var offline = false
    /// A connection with no request activity this long is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// A request's head must be complete this long after the connection opened or its first byte arrived.
    public var headerTimeout: Duration = .seconds(15)
    /// Peers whose `X-Forwarded-For` names the client (load balancers in front of Wharf).
    public var trustedProxies: [IPNetwork] = []
    /// Installs one `/generate` request (or `wharf generate`) may ask for.
    public var maxInstalls = Generator.defaultMaxInstalls
    /// Failed logins, device approvals and exchanges allowed per client (and code) in a window.
    public var authFailures = AuthFailurePolicy()
    public var logLevel: Logger.Level = .info
    public var accessLog = true

    /// `[store]`: the LMDB map size (and, not from proxy.conf, a sync hook for tests).
    public var store = StoreOptions()
    /// `[cache]`: object size, freshness, timeouts, upstream health and pace. Its `upstreams` and
    /// `offline` come from the keys below (`edgeCache` puts them in).
    public var cache = EdgeCacheConfiguration()
    /// `[cache] hot_cache_size`: bytes of immutable files kept in memory with their heads encoded,
    /// answered before the router (see `HotCache`); 0: off.
    public var hotCacheSize = 64 << 20
    /// `GET /build/pkg@v?token=…` with this token purges the package first; empty: never.
    public var rebuildToken = ""

    public var upstreams: [(host: String, origin: String)] = WharfConfiguration.defaultUpstreams

    /// `[registry]`: what an Eik publish may bring.
    public var registryLimits = RegistryLimits()
    /// `[registry] jsr_…`: the gzipped tarball as sent, one file, and all files of a version.
    public var jsrLimits = JSRPublishLimits()
    /// Whether this server works through the JSR publishing queue. Off, uploads are accepted and
    /// stay `pending` until a server with it on starts (for maintenance windows).
    public var jsrProcessTasks = true
    /// JSR quotas, shown to scope admins and enforced.
    public var jsrQuotas = JSRQuotas()

    public var jwtSecret = ""
    public var tokenLifetime = Authenticator.defaultTokenLifetime
    /// How long a JSR device authorization waits for approval, and how long its token then lasts.
    public var jsrAuthorizationLifetime = JSRAuthorizations.defaultAuthorizationLifetime
    public var jsrDeviceTokenLifetime = JSRAuthorizations.defaultDeviceTokenLifetime
    public var users: [User] = []

    public static let defaultUpstreams: [(host: String, origin: String)] = [
        ("ga.jspm.io", "https://ga.jspm.io"),
        ("api.jspm.io", "https://api.jspm.io"),
        ("registry.npmjs.org", "https://registry.npmjs.org"),
        ("unpkg.com", "https://unpkg.com"),
        ("cdn.jsdelivr.net", "https://cdn.jsdelivr.net"),
        ("esm.sh", "https://esm.sh"),
    ]

    public init() {}

    /// The effective public URL, without a trailing slash.
    public var resolvedPublicURL: String {
        // WharfURLs drops a trailing slash: the one place the public URL is normalised.
        if let publicURL { return WharfURLs(publicURL: publicURL).base }
        let host = listenHost == "0.0.0.0" || listenHost == "::" ? "localhost" : listenHost
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(listenPort)"
    }

    // MARK: loading

    /// Reads `path`, or `./proxy.conf` when `path` is nil and that file exists, else the defaults.
    public static func load(path: String?) throws(ConfigurationError) -> WharfConfiguration {
        let file = path ?? (FileManager.default.fileExists(atPath: "proxy.conf") ? "proxy.conf" : nil)
        guard let file else { return WharfConfiguration() }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigurationError("cannot read configuration file \(file)")
        }
        do {
            return try WharfConfiguration(toml: String(decoding: data, as: UTF8.self))
        } catch {
            throw ConfigurationError("\(file): \(error.message)")
        }
    }

    public init(toml text: String) throws(ConfigurationError) {
        let root: TOMLTable
        do { root = try TOMLParser.parse(text) } catch { throw ConfigurationError(error.description) }
        for (key, value) in root.entries {
            switch key {
            case "listen": try setListen(try Self.string(value, key: key))
            case "public_url": publicURL = try Self.string(value, key: key)
            case "data_dir": dataDirectory = try Self.string(value, key: key)
            case "offline": offline = try Self.bool(value, key: key)
            case "access_log": accessLog = try Self.bool(value, key: key)
            case "log_level":
                let name = try Self.string(value, key: key)
                guard let level = Logger.Level(rawValue: name) else {
                    throw ConfigurationError("log_level: '\(name)' is not one of trace, debug, info, notice, warning, error, critical")
                }
                logLevel = level
            case "store": try readStore(try Self.table(value, key: key))
            case "cache": try readCache(try Self.table(value, key: key))
            case "upstreams":
                upstreams = []
                for (host, origin) in try Self.table(value, key: key).entries {
                    try addUpstream(host: host, origin: try Self.string(origin, key: "upstreams.\(host)"))
                }
            case "registry": try readRegistry(try Self.table(value, key: key))
            case "auth": try readAuth(try Self.table(value, key: key))
            case "server": try readServer(try Self.table(value, key: key))
            case "generate":
                for (name, item) in try Self.table(value, key: key).entries {
                    guard name == "max_installs" else { throw ConfigurationError("unknown key 'generate.\(name)'") }
                    maxInstalls = try Self.count(item, key: "generate.max_installs")
                }
            default: throw ConfigurationError("unknown key '\(key)'")
            }
        }
        try validate()
    }

    private mutating func readServer(_ table: TOMLTable) throws(ConfigurationError) {
        for (key, value) in table.entries {
            switch key {
            case "idle_timeout": idleTimeout = try Quantities.duration(value, key: "server.idle_timeout")
            case "header_timeout": headerTimeout = try Quantities.duration(value, key: "server.header_timeout")
            case "trusted_proxies":
                guard case .array(let items) = value else { throw ConfigurationError("server.trusted_proxies: expected an array of addresses or networks") }
                trustedProxies = try items.map { item throws(ConfigurationError) in
                    let text = try Self.string(item, key: "server.trusted_proxies")
                    guard let network = IPNetwork(text) else { throw ConfigurationError("server.trusted_proxies: '\(text)' is not an address or a network such as 10.0.0.0/8") }
                    return network
                }
            default: throw ConfigurationError("unknown key 'server.\(key)'")
            }
        }
    }

    private mutating func readStore(_ table: TOMLTable) throws(ConfigurationError) {
        for (key, value) in table.entries {
            switch key {
            case "map_size": store.mapSize = try Quantities.bytes(value, key: "store.map_size")
            case "max_object_size": cache.maxObjectSize = try Quantities.bytes(value, key: "store.max_object_size")
            default: throw ConfigurationError("unknown key 'store.\(key)'")
            }
        }
    }

    private mutating func readCache(_ table: TOMLTable) throws(ConfigurationError) {
        for (key, value) in table.entries {
            switch key {
            case "min_fresh": cache.freshness.minimumLifetime = try Quantities.duration(value, key: "cache.min_fresh")
            case "negative_ttl": cache.freshness.negativeLifetime = try Quantities.duration(value, key: "cache.negative_ttl")
            case "connect_timeout": cache.connectTimeout = try Quantities.duration(value, key: "cache.connect_timeout")
            case "read_timeout": cache.readTimeout = try Quantities.duration(value, key: "cache.read_timeout")
            case "hot_cache_size": hotCacheSize = try Quantities.bytes(value, key: "cache.hot_cache_size")
            case "rebuild_token": rebuildToken = try Self.string(value, key: "cache.rebuild_token")
            case "min_rate": cache.pace = try Quantities.rate(value, key: "cache.min_rate", keeping: cache.pace)
            case "fetch_deadline": cache.pace.deadline = try Quantities.duration(value, key: "cache.fetch_deadline")
            case "max_fails": cache.health.maxFails = try Self.count(value, key: "cache.max_fails")
            case "fail_timeout": cache.health.failTimeout = try Quantities.duration(value, key: "cache.fail_timeout")
            case "probe_interval": cache.health.probeInterval = try Quantities.duration(value, key: "cache.probe_interval")
            default: throw ConfigurationError("unknown key 'cache.\(key)'")
            }
        }
    }

    private mutating func readRegistry(_ table: TOMLTable) throws(ConfigurationError) {
        for (key, value) in table.entries {
            switch key {
            case "max_package_size": registryLimits.maxPackageSize = try Quantities.bytes(value, key: "registry.max_package_size")
            case "max_map_size": registryLimits.maxMapSize = try Quantities.bytes(value, key: "registry.max_map_size")
            case "max_unpacked_size": registryLimits.maxUnpackedSize = try Quantities.bytes(value, key: "registry.max_unpacked_size")
            case "max_files":
                // One bound for both registries' file counts.
                registryLimits.maxFiles = try Self.count(value, key: "registry.max_files")
                jsrLimits.package.maxFiles = registryLimits.maxFiles
            case "jsr_max_tarball_size": jsrLimits.maxTarballSize = try Quantities.bytes(value, key: "registry.jsr_max_tarball_size")
            case "jsr_max_file_size": jsrLimits.package.maxFileSize = try Quantities.bytes(value, key: "registry.jsr_max_file_size")
            case "jsr_max_package_size": jsrLimits.package.maxPackageSize = try Quantities.bytes(value, key: "registry.jsr_max_package_size")
            case "jsr_process_tasks": jsrProcessTasks = try Self.bool(value, key: "registry.jsr_process_tasks")
            case "jsr_scopes_per_user": jsrQuotas.scopesPerUser = try Self.count(value, key: "registry.jsr_scopes_per_user")
            case "jsr_packages_per_scope": jsrQuotas.packagesPerScope = try Self.count(value, key: "registry.jsr_packages_per_scope")
            case "jsr_new_packages_per_week": jsrQuotas.newPackagesPerWeek = try Self.count(value, key: "registry.jsr_new_packages_per_week")
            case "jsr_publish_attempts_per_week": jsrQuotas.publishAttemptsPerWeek = try Self.count(value, key: "registry.jsr_publish_attempts_per_week")
            default: throw ConfigurationError("unknown key 'registry.\(key)'")
            }
        }
    }

    private mutating func readAuth(_ table: TOMLTable) throws(ConfigurationError) {
        for (key, value) in table.entries {
            switch key {
            case "jwt_secret": jwtSecret = try Self.string(value, key: "auth.jwt_secret")
            case "token_ttl": tokenLifetime = try Quantities.duration(value, key: "auth.token_ttl")
            case "max_failures": authFailures.maxFailures = try Self.count(value, key: "auth.max_failures")
            case "failure_window": authFailures.window = try Quantities.duration(value, key: "auth.failure_window")
            case "jsr_authorization_ttl": jsrAuthorizationLifetime = try Quantities.duration(value, key: "auth.jsr_authorization_ttl")
            case "jsr_device_token_ttl": jsrDeviceTokenLifetime = try Quantities.duration(value, key: "auth.jsr_device_token_ttl")
            case "users":
                guard case .array(let items) = value else { throw ConfigurationError("auth.users: expected [[auth.users]] tables") }
                users = []
                for item in items {
                    let user = try Self.table(item, key: "auth.users")
                    var name: String?, secret: String?, admin = false
                    for (field, fieldValue) in user.entries {
                        switch field {
                        case "name": name = try Self.string(fieldValue, key: "auth.users.name")
                        case "key": secret = try Self.string(fieldValue, key: "auth.users.key")
                        case "admin": admin = try Self.bool(fieldValue, key: "auth.users.admin")
                        default: throw ConfigurationError("unknown key 'auth.users.\(field)'")
                        }
                    }
                    guard let name, !name.isEmpty, let secret, !secret.isEmpty else {
                        throw ConfigurationError("auth.users: every user needs a non-empty name and key")
                    }
                    users.append(User(name: name, key: secret, admin: admin))
                }
            default: throw ConfigurationError("unknown key 'auth.\(key)'")
            }
        }
    }

    // MARK: overrides (command line)

    /// `HOST:PORT`, `[::1]:PORT` or `:PORT`.
    public mutating func setListen(_ text: String) throws(ConfigurationError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ConfigurationError("listen: '\(text)' is not HOST:PORT")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        listenHost = host.isEmpty ? "0.0.0.0" : host
        listenPort = port
    }

    /// `--upstream HOST=ORIGIN`: adds the host to the allowlist, or moves it to another origin.
    public mutating func addUpstream(_ spec: String) throws(ConfigurationError) {
        guard let equals = spec.firstIndex(of: "=") else {
            throw ConfigurationError("--upstream: '\(spec)' is not HOST=ORIGIN")
        }
        try addUpstream(host: String(spec[..<equals]), origin: String(spec[spec.index(after: equals)...]))
    }

    mutating func addUpstream(host: String, origin: String) throws(ConfigurationError) {
        let host = host.lowercased()
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" }) else {
            throw ConfigurationError("upstreams: '\(host)' is not a host name")
        }
        guard Origin(origin) != nil else {
            throw ConfigurationError("upstreams.\(host): '\(origin)' is not an http(s) origin")
        }
        upstreams.removeAll { $0.host == host }
        upstreams.append((host, origin))
    }

    public func validate() throws(ConfigurationError) {
        if let publicURL, Origin(publicURL) == nil {
            throw ConfigurationError("public_url: '\(publicURL)' is not an http(s) URL")
        }
        if cache.maxObjectSize <= 0 { throw ConfigurationError("store.max_object_size must be positive") }
        if store.mapSize < 1 << 20 { throw ConfigurationError("store.map_size must be at least 1 MiB") }
        if !listensOnLoopbackOnly, let user = usersWithWeakKeys.first {
            throw ConfigurationError(
                "auth.users: the key of '\(user)' is the shipped default or shorter than \(Self.minimumKeyLength) characters; "
                    + "set a real key before listening on \(listenHost), which other machines can reach"
            )
        }
    }

    /// Keys shorter than this (or the shipped `change_me`) are refused off loopback, warned about on it.
    public static let minimumKeyLength = 12

    /// Users whose key anyone could guess: the one proxy.conf ships, or a short one.
    public var usersWithWeakKeys: [String] {
        users.filter { $0.key == "change_me" || $0.key.count < Self.minimumKeyLength }.map(\.name)
    }

    /// True when only this machine can connect: 127.0.0.0/8, ::1 or localhost.
    public var listensOnLoopbackOnly: Bool {
        let host = listenHost.lowercased()
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    // MARK: derived settings

    /// The edge cache's configuration with the allowlist and `offline` put in.
    public var edgeCache: EdgeCacheConfiguration {
        var configuration = cache
        var set = UpstreamSet()
        for (host, origin) in upstreams { if let origin = Origin(origin) { set.set(host: host, origin: origin) } }
        configuration.upstreams = set
        configuration.offline = offline
        return configuration
    }

    // MARK: value helpers

    private static func string(_ value: TOMLValue, key: String) throws(ConfigurationError) -> String {
        guard case .string(let s) = value else { throw ConfigurationError("\(key): expected a string, found \(value.typeName)") }
        return s
    }

    private static func count(_ value: TOMLValue, key: String) throws(ConfigurationError) -> Int {
        guard case .integer(let count) = value, count > 0 else { throw ConfigurationError("\(key): expected a positive integer") }
        return count
    }

    private static func bool(_ value: TOMLValue, key: String) throws(ConfigurationError) -> Bool {
        guard case .boolean(let b) = value else { throw ConfigurationError("\(key): expected true or false, found \(value.typeName)") }
        return b
    }

    private static func table(_ value: TOMLValue, key: String) throws(ConfigurationError) -> TOMLTable {
        guard case .table(let t) = value else { throw ConfigurationError("\(key): expected a table, found \(value.typeName)") }
        return t
    }
}
