import ArgumentParser
import Logging
import WharfServer

/// `wharf serve`: flags override proxy.conf, which overrides the defaults.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Wharf server.")

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "HOST:PORT to listen on (overrides listen).")
    var listen: String?

    @Option(name: .customLong("public-url"), help: "Base of the URLs Wharf writes (overrides public_url).")
    var publicURL: String?

    @Flag(help: "Never contact an upstream; serve only what is cached.")
    var offline = false

    @OptionGroup var upstreams: UpstreamOptions

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error.")
    var logLevel: String?

    func run() async throws {
        var configuration = try options.load()
        if let listen { try configuration.setListen(listen) }
        if let publicURL { configuration.publicURL = publicURL }
        if offline { configuration.offline = true }
        try upstreams.apply(to: &configuration)
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level: unknown level '\(logLevel)'") }
            configuration.logLevel = level
        }
        try configuration.validate()
        try await WharfService(configuration: configuration).run()
    }
}
