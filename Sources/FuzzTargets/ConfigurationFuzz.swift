import WharfServer

/// proxy.conf: any text is read or refused with a ConfigurationError, never a crash; what is read
/// validates or refuses likewise.
enum ConfigurationFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let configuration = try? WharfConfiguration(toml: bytes.text) else { return }
        _ = try? configuration.validate()
        _ = configuration.resolvedPublicURL
        _ = configuration.edgeCache
    }
}
