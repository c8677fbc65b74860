import Foundation
import Hummingbird
import JSON
import Registry

/// `POST /auth/login` (Eik): a key in, `{"token": "<jwt>"}` out.
struct AuthRoutes {
    let authenticator: Authenticator
    let loginGuard: LoginGuard

    func register(on router: Router<WharfRequestContext>) {
        router.post("/auth/login") { request, context in try await login(request, context: context) }
    }

    private func login(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let fields = try await FormReader(limits: ["key": 4096]).read(request)
        guard let key = fields.string("key"), !key.isEmpty else {
            throw WharfHTTPError(.badRequest, "the form field 'key' is missing")
        }
        let token = try await loginGuard.attempt("login", request: request, context: context, isFailure: { ($0 as? RegistryError)?.kind == .unauthorized }) {
            try await authenticator.login(key: key)
        }
        return JSONResponse.make(JSONValue.object([("token", .string(token))]), cacheControl: "no-store")
    }
}
