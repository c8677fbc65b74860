/// Every parser that reads bytes from a client or an upstream, as a fuzz target: `run` must never
/// crash, leak or grow without bound, and checks its round trip where one exists. The same
/// functions run under libFuzzer (`scripts/fuzz`) and replay the committed corpora in `swift test`.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case tarball, contentDecoding, multipart, moduleLexer, semver, configuration, json, cacheAddress, jsr, importMap, requestHead, systemRegister, upstreamResponse

    public func run(_ bytes: [UInt8]) {
        switch self {
        case .tarball: TarballFuzz.run(bytes)
        case .contentDecoding: ContentDecodingFuzz.run(bytes)
        case .multipart: MultipartFuzz.run(bytes)
        case .moduleLexer: ModuleLexerFuzz.run(bytes)
        case .semver: SemverFuzz.run(bytes)
        case .configuration: ConfigurationFuzz.run(bytes)
        case .json: JSONFuzz.run(bytes)
        case .cacheAddress: CacheAddressFuzz.run(bytes)
        case .jsr: JSRFuzz.run(bytes)
        case .importMap: ImportMapFuzz.run(bytes)
        case .requestHead: RequestHeadFuzz.run(bytes)
        case .systemRegister: SystemRegisterFuzz.run(bytes)
        case .upstreamResponse: UpstreamResponseFuzz.run(bytes)
        }
    }
}

/// A property that does not hold: a crash, so libFuzzer keeps the input and a replay fails.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
    if !condition() { fatalError("fuzz property failed: \(message())", file: file, line: line) }
}

extension Array where Element == UInt8 {
    /// The input as text (invalid UTF-8 repaired), for the parsers that take strings.
    var text: String { String(decoding: self, as: UTF8.self) }

    /// Lines of the input, for targets that try several small inputs at once.
    var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
}
