import ArgumentParser
import WharfServer

/// `--config` and `--data`, shared by every command that opens the store.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: "The configuration file (default: ./proxy.conf when present).")
    var config: String?

    @Option(name: .customLong("data"), help: "The store directory (overrides data_dir).")
    var dataDirectory: String?

    func load() throws -> WharfConfiguration {
        var configuration = try WharfConfiguration.load(path: config)
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        return configuration
    }
}
