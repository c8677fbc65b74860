import EdgeCache
import Foundation
import Testing
@testable import WharfServer

@Suite struct ConfigurationTests {
    /// The repository's proxy.conf documents the defaults: reading it must give exactly them.
    @Test func theShippedProxyConfHoldsTheDefaults() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../proxy.conf").standardized.path
        let configuration = try WharfConfiguration.load(path: file)
        let defaults = WharfConfiguration()
        #expect(configuration.listenHost == defaults.listenHost && configuration.listenPort == defaults.listenPort)
        #expect(configuration.resolvedPublicURL == "http://127.0.0.1:4001")
        #expect(configuration.dataDirectory == ".wharf")
        #expect(configuration.offline == false)
        #expect(configuration.store.mapSize == 1 << 30)
        #expect(configuration.cache.maxObjectSize == 100 << 20)
        #expect(configuration.hotCacheSize == defaults.hotCacheSize && defaults.hotCacheSize == 64 << 20)
        #expect(configuration.cache.freshness.minimumLifetime == defaults.cache.freshness.minimumLifetime)
        #expect(configuration.cache.freshness.negativeLifetime == defaults.cache.freshness.negativeLifetime)
        #expect(configuration.upstreams.map(\.host) == WharfConfiguration.defaultUpstreams.map(\.host))
        #expect(configuration.upstreams.map(\.origin) == WharfConfiguration.defaultUpstreams.map(\.origin))
        #expect(configuration.tokenLifetime == .seconds(60 * 86400))
        #expect(configuration.users == [.init(name: "admin", key: "change_me", admin: true)])
    }

    @Test func sizesDurationsAndTablesAreRead() throws {
        let configuration = try WharfConfiguration(toml: """
        # comment
        listen = "0.0.0.0:8080"   # trailing comment
        offline = true
        [store]
        map_size = "64 MiB"
        max_object_size = 5_000_000
        [cache]
        min_fresh = "5m"
        negative_ttl = "250ms"
        read_timeout = 12.5
        max_fails = 5
        fail_timeout = "1m"
        probe_interval = "250ms"
        hot_cache_size = "8 MiB"
        [upstreams]
        "ga.jspm.io" = "http://127.0.0.1:9000/mirror"
        [auth]
        token_ttl = "2h"
        users = [{ name = "ci", key = "a-long-enough-secret" }]
        """)
        #expect(configuration.listenHost == "0.0.0.0" && configuration.listenPort == 8080)
        #expect(configuration.resolvedPublicURL == "http://localhost:8080")
        #expect(configuration.offline)
        #expect(configuration.store.mapSize == 64 << 20)
        #expect(configuration.cache.maxObjectSize == 5_000_000)
        #expect(configuration.cache.freshness.minimumLifetime == .seconds(300))
        #expect(configuration.cache.freshness.negativeLifetime == .milliseconds(250))
        #expect(configuration.cache.readTimeout == .milliseconds(12_500))
        #expect(configuration.cache.health == UpstreamHealthPolicy(maxFails: 5, failTimeout: .seconds(60), probeInterval: .milliseconds(250)))
        #expect(configuration.hotCacheSize == 8 << 20)
        #expect(configuration.upstreams.count == 1)
        #expect(configuration.edgeCache.upstreams.origin(for: "ga.jspm.io")?.description == "http://127.0.0.1:9000/mirror")
        #expect(configuration.tokenLifetime == .seconds(7200))
        #expect(configuration.users == [.init(name: "ci", key: "a-long-enough-secret", admin: false)])
    }

    /// The shipped admin key, or a short one, never guards an address other machines can reach.
    @Test func weakKeysAreRefusedBeyondLoopbackOnly() throws {
        var configuration = WharfConfiguration()
        configuration.users = [.init(name: "admin", key: "change_me", admin: true), .init(name: "ok", key: "twelve-chars", admin: false)]
        #expect(configuration.usersWithWeakKeys == ["admin"])
        for host in ["127.0.0.1", "127.1.2.3", "::1", "localhost"] {
            configuration.listenHost = host
            #expect(throws: Never.self) { try configuration.validate() }
        }
        for host in ["0.0.0.0", "::", "192.168.1.10", "wharf.example"] {
            configuration.listenHost = host
            #expect(throws: ConfigurationError.self) { try configuration.validate() }
        }
        configuration.users[0].key = "a-real-admin-key"
        #expect(throws: Never.self) { try configuration.validate() }
    }

    @Test(arguments: [
        ("lisen = \"x\"", "unknown key 'lisen'"),
        ("[store]\nmap_size = \"lots\"", "store.map_size"),
        ("[store]\nmap_size = \"1 KiB\"", "at least 1 MiB"),
        ("offline = \"yes\"", "offline: expected true or false"),
        ("listen = \"localhost\"", "not HOST:PORT"),
        ("public_url = \"ftp://x\"", "public_url"),
        ("[upstreams]\n\"ga.jspm.io\" = \"file:///etc\"", "not an http(s) origin"),
        ("[upstreams]\n\"bad host\" = \"https://x\"", "not a host name"),
        ("[cache]\nmin_fresh = \"soon\"", "cache.min_fresh"),
        ("[store]\nmax_object_size = \"99999999999999999999 TiB\"", "more than 1 EiB"),
        ("[store]\nmax_object_size = 9223372036854775807", "between 0 and 1 EiB"),
        ("[auth]\ntoken_ttl = \"99999999999999999999d\"", "more than 100 years"),
        ("[cache]\nread_timeout = inf", "between 0 and 100 years"),
        ("[[auth.users]]\nname = \"a\"", "non-empty name and key"),
        ("listen = ", "line 1"),
        ("a = 1\na = 2", "line 2"),
        ("when = 2024-01-01", "line 1"),
        ("[[[", "line 1"),
        ("[store\nmap_size = \"1 GiB\"", "line 1: expected ']', found the end of the line"),
    ])
    func mistakesAreReportedWithTheKeyOrLine(text: String, expected: String) {
        do {
            _ = try WharfConfiguration(toml: text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func commandLineOverridesApply() throws {
        var configuration = WharfConfiguration()
        try configuration.setListen("[::1]:0")
        #expect(configuration.listenHost == "::1" && configuration.listenPort == 0)
        try configuration.addUpstream("GA.jspm.io=http://127.0.0.1:9000")
        try configuration.addUpstream("mirror.example=https://mirror.example/base/")
        #expect(configuration.upstreams.filter { $0.host == "ga.jspm.io" }.map(\.origin) == ["http://127.0.0.1:9000"])
        #expect(configuration.upstreams.count == WharfConfiguration.defaultUpstreams.count + 1)
        #expect(throws: ConfigurationError.self) { try configuration.addUpstream("no-equals-sign") }
        #expect(throws: ConfigurationError.self) { try configuration.setListen("host:99999") }
    }
}
