import ArgumentParser

/// The `wharf` command: `serve`, and store maintenance under `cache`.
@main
struct Wharf: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wharf",
        abstract: "A local development proxy and caching CDN for JavaScript ES modules.",
        subcommands: [Serve.self, CacheCommand.self, RewriteCommand.self, GenerateCommand.self]
    )
}
