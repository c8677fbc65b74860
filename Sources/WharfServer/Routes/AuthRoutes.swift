import Foundation
import Hummingbird
import Registry

/// `POST /auth/login` (Eik): a key in, `{"token": "<jwt>"}` out.
struct AuthRoutes {
    let authenticator: Authenticator

    func register(on router: Router<BasicRequestContext>) {
        router.post("/auth/login") { request, _ in try await login(request) }
    }

    private func login(_ request: Request) async throws -> Response {
        let fields = try await FormReader(limits: ["key": 4096]).read(request)
        guard let key = fields.string("key"), !key.isEmpty else {
            throw WharfHTTPError(.badRequest, "the form field 'key' is missing")
        }
        let token: String
        do {
            token = try await authenticator.login(key: key)
        } catch {
            throw error.httpError(isRead: false)
        }
        let body = try JSONSerialization.data(withJSONObject: ["token": token])
        return JSONResponse.make(body, cacheControl: "no-store")
    }
}
