import Foundation
import WharfServer
import WharfTestSupport

/// What the Eik and JSR fixtures share: a running Wharf with users, a client, and their lifetime.
protocol RegistryFixture: Sendable {
    var wharf: RunningServer { get }
    var client: HTTPTestClient { get }
    init(configure: (inout WharfConfiguration) -> Void) async throws
}

extension RegistryFixture {
    /// Runs `body` against a fresh fixture and stops it afterwards, also when `body` throws.
    static func with(configure: (inout WharfConfiguration) -> Void = { _ in }, _ body: (Self) async throws -> Void) async throws {
        let fixture = try await Self(configure: configure)
        do {
            try await body(fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    func stop() async {
        await wharf.stop()
        await client.shutdown()
    }

    var base: String { wharf.baseURL }

    /// A Wharf login token (`POST /auth/login`) for the user with this key.
    func token(forKey key: String) async throws -> String {
        let form = MultipartBody([.init("key", key)])
        let response = try await client.request(base + "/auth/login", method: .POST, headers: [("Content-Type", form.contentType)], body: form.bytes)
        guard let token = response.json?["token"] as? String else { throw FixtureError("login failed: \(response.status) \(response.text)") }
        return token
    }
}
