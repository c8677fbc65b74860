import Foundation
import Logging
import WharfServer

extension WharfConfiguration {
    /// A configuration for tests: port 0, a fresh data directory, no default upstreams, quiet logs,
    /// and `hosts` all fetched from the origin on `originPort`.
    public static func testing(data: String, originPort: Int?, hosts: [String] = ["ga.jspm.io", "unpkg.com", "cdn.jsdelivr.net", "esm.sh", "registry.npmjs.org", "api.jspm.io"]) -> WharfConfiguration {
        var configuration = WharfConfiguration()
        configuration.listenPort = 0
        configuration.publicURL = "http://wharf.test"
        configuration.dataDirectory = data
        configuration.accessLog = false
        configuration.logLevel = .error
        configuration.upstreams = []
        if let originPort {
            for host in hosts { try! configuration.addUpstream("\(host)=http://127.0.0.1:\(originPort)") }
        }
        return configuration
    }
}

/// Runs a Wharf server in this process until `stop()`.
public func startWharf(_ configuration: WharfConfiguration) async throws -> RunningServer {
    try await RunningServer.start { ready in
        try await WharfService(configuration: configuration).run(gracefulShutdownSignals: [], onReady: ready)
    }
}
