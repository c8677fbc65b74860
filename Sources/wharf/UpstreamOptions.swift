import ArgumentParser
import WharfServer

/// `--upstream HOST=ORIGIN`, shared by every command that fetches through the edge cache.
struct UpstreamOptions: ParsableArguments {
    @Option(name: .customLong("upstream"), help: "HOST=ORIGIN: fetch HOST's files from ORIGIN, and allow HOST. Repeatable.")
    var upstreams: [String] = []

    func apply(to configuration: inout WharfConfiguration) throws {
        for upstream in upstreams { try configuration.addUpstream(upstream) }
    }
}
