import Foundation
import Tarball
import WharfServer
import WharfTestSupport

/// A Wharf with two users and no upstreams, and the calls the Eik tests make against it.
struct EikFixture: RegistryFixture {
    static let secret = "eik-test-secret"
    let data = TemporaryDirectory("eik")
    let wharf: RunningServer
    let client = HTTPTestClient()

    init(configure: (inout WharfConfiguration) -> Void = { _ in }) async throws {
        var configuration = WharfConfiguration.testing(data: data.path, originPort: nil)
        configuration.jwtSecret = Self.secret
        configuration.users = [.init(name: "admin", key: "change_me", admin: true), .init(name: "ci", key: "ci-key", admin: false)]
        configure(&configuration)
        wharf = try await startWharf(configuration)
    }

    func login(_ key: String = "change_me") async throws -> String {
        try await token(forKey: key)
    }

    func send(_ method: String, _ path: String, fields: [MultipartBody.Field], token: String?) async throws -> TestResponse {
        let form = MultipartBody(fields)
        var headers = [("Content-Type", form.contentType)]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return try await client.request(base + path, method: .init(rawValue: method), headers: headers, body: form.bytes)
    }

    func publish(_ path: String, archive: [UInt8], token: String?) async throws -> TestResponse {
        try await send("PUT", path, fields: [.init("package", filename: "package.tgz", bytes: archive)], token: token)
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await client.get(base + path, headers: headers)
    }

    /// A gzipped package: `main/index.js`, `main/style.css` and a README, with `marker` in the code.
    static func package(_ marker: String = "1", compression: TarWriter.Compression = .gzip) -> [UInt8] {
        var tar = TarWriter()
        tar.addDirectory("main")
        tar.addFile("main/index.js", contents: "export const version = '\(marker)';\n")
        tar.addFile("main/style.css", contents: ".a { color: red }\n")
        tar.addFile("README.md", contents: "# fuzz\n")
        return tar.archive(compression: compression)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
