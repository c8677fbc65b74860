import Crypto
import Foundation
import Tarball
import Testing
import WharfServer
import WharfTestSupport

/// A Wharf with three users (an admin `alice`, `bob` and `carol`) and the JSR calls the tests make.
struct JSRFixture: RegistryFixture {
    let data: TemporaryDirectory
    let wharf: RunningServer
    let client = HTTPTestClient()
    let configuration: WharfConfiguration

    static let users: [WharfConfiguration.User] = [
        .init(name: "alice", key: "alice-key", admin: true), .init(name: "bob", key: "bob-key", admin: false), .init(name: "carol", key: "carol-key", admin: false),
    ]

    init(data: TemporaryDirectory, configure: (inout WharfConfiguration) -> Void = { _ in }) async throws {
        var configuration = WharfConfiguration.testing(data: data.path, originPort: nil)
        configuration.jwtSecret = "jsr-test-secret"
        configuration.users = Self.users
        configure(&configuration)
        self.data = data
        self.configuration = configuration
        wharf = try await startWharf(configuration)
    }

    init(configure: (inout WharfConfiguration) -> Void) async throws {
        try await self.init(data: TemporaryDirectory("jsr"), configure: configure)
    }

    /// A Wharf login token, which the JSR API accepts as a bearer token.
    func login(_ user: String) async throws -> String {
        try await token(forKey: "\(user)-key")
    }

    @discardableResult
    func call(_ method: String, _ path: String, token: String? = nil, json: Any? = nil, body: [UInt8]? = nil, headers extra: [(String, String)] = []) async throws -> TestResponse {
        var headers = extra
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        var bytes = body
        if let json {
            bytes = Array(try JSONSerialization.data(withJSONObject: json))
            headers.append(("Content-Type", "application/json"))
        }
        return try await client.request(base + path, method: .init(rawValue: method), headers: headers, body: bytes)
    }

    func get(_ path: String, token: String? = nil) async throws -> TestResponse {
        try await call("GET", path, token: token)
    }

    /// Creates `@scope` (by `token`'s user) and `@scope/name` in it.
    func makePackage(_ scope: String, _ name: String, token: String) async throws {
        let created = try await call("POST", "/api/scopes", token: token, json: ["scope": scope])
        guard created.status == 200 || created.json?["code"] as? String == "scopeAlreadyExists" else { throw FixtureError("scope: \(created.text)") }
        let package = try await call("POST", "/api/scopes/\(scope)/packages", token: token, json: ["package": name])
        guard package.status == 200 else { throw FixtureError("package: \(package.text)") }
    }

    func publish(_ scope: String, _ name: String, _ version: String, tarball: [UInt8], token: String, config: String = "/jsr.json") async throws -> TestResponse {
        try await call(
            "POST", "/api/scopes/\(scope)/packages/\(name)/versions/\(version)?config=\(config)", token: token, body: tarball,
            headers: [("Content-Type", "application/gzip"), ("Content-Encoding", "gzip")]
        )
    }

    /// Polls the task until it is finished (success or failure) and returns it.
    func finish(_ task: [String: Any]?) async throws -> [String: Any] {
        guard let id = task?["id"] as? String else { throw FixtureError("no task id in \(String(describing: task))") }
        for _ in 0..<600 {
            let response = try await get("/api/publish_status/\(id)")
            if let status = response.json?["status"] as? String, status == "success" || status == "failure" { return response.json! }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FixtureError("task \(id) did not finish")
    }

    /// Publishes and waits for the outcome.
    func publishAndWait(_ scope: String, _ name: String, _ version: String, tarball: [UInt8], token: String) async throws -> [String: Any] {
        let response = try await publish(scope, name, version, tarball: tarball, token: token)
        guard response.status == 200 else { throw FixtureError("publish answered \(response.status): \(response.text)") }
        return try await finish(response.json)
    }

    /// A JSR package tarball (gzipped, entries named `./path` as deno writes them).
    static func tarball(_ files: [String: String], config: String? = nil) -> [UInt8] {
        var tar = TarWriter()
        for (path, contents) in files.sorted(by: { $0.key < $1.key }) { tar.addFile("./" + path, contents: contents) }
        return tar.archive(compression: .gzip)
    }

    /// A package with a config, two modules and a JSON file.
    static func package(_ scope: String, _ name: String, _ version: String, imports: String = "", extra: [String: String] = [:]) -> [UInt8] {
        var files = [
            "jsr.json": "{\"name\": \"@\(scope)/\(name)\", \"version\": \"\(version)\", \"exports\": {\".\": \"./mod.ts\", \"./util\": \"./lib/util.js\"}}",
            "mod.ts": "\(imports)import { helper } from \"./lib/util.js\";\nexport const version: string = \"\(version)\";\nexport { helper };\n",
            "lib/util.js": "export function helper() { return 42; }\n",
            "data.json": "{\"ok\": true}\n",
        ]
        for (path, contents) in extra { files[path] = contents }
        return tarball(files)
    }

    static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Array(verifier.utf8))).base64EncodedString()
    }
}

extension TestResponse {
    var code: String? { json?["code"] as? String }
    var items: [[String: Any]] { (json?["items"] as? [[String: Any]]) ?? [] }
    var array: [[String: Any]] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [[String: Any]]) ?? [] }
}
