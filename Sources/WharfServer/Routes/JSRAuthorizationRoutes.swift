import Hummingbird
import Registry
import URLLayout

/// `/api/authorizations/…`: the device flow `deno publish` runs (start, details, approve or deny,
/// exchange), the exchange guarded against guessing.
struct JSRAuthorizationRoutes: Sendable {
    let authorizations: JSRAuthorizations
    let urls: WharfURLs
    let loginGuard: LoginGuard

    func register(on api: RouterGroup<WharfRequestContext>) {
        api.post("authorizations", use: start)
        api.get("authorizations/details/:code", use: details)
        api.post("authorizations/approve/:code", use: approve)
        api.post("authorizations/deny/:code", use: deny)
        api.post("authorizations/exchange", use: exchange)
    }

    @Sendable func start(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let body = try await JSRAPI.body(request)
        let permissions = try JSRAPI.decode([JSRPermission].self, body["permissions"], "permissions")
        return try JSRAPI.json(await authorizations.start(
            challenge: try JSRAPI.string(body["challenge"], "challenge"), permissions: permissions, verificationURL: urls.deviceVerification))
    }

    @Sendable func details(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(authorizations.details(code: try context.parameters.require("code")))
    }

    @Sendable func approve(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try await decide(request, context: context, approve: true)
    }

    @Sendable func deny(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try await decide(request, context: context, approve: false)
    }

    private func decide(_ request: Request, context: WharfRequestContext, approve: Bool) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        try await authorizations.decide(code: try context.parameters.require("code"), approve: approve, by: actor)
        return JSRAPI.noContent()
    }

    /// Guessed exchange tokens and wrong verifiers count as failures; `authorizationPending` (polling) does not.
    @Sendable func exchange(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let body = try await JSRAPI.body(request)
        let isFailure: (any Error) -> Bool = { error in
            [.authorizationInvalidVerifier, .authorizationNotFound].contains((error as? JSRError)?.kind)
        }
        return try await loginGuard.attempt("device-flow exchange", request: request, context: context, isFailure: isFailure) {
            try JSRAPI.json(await authorizations.exchange(
                exchangeToken: try JSRAPI.string(body["exchangeToken"], "exchangeToken"), verifier: try JSRAPI.string(body["verifier"], "verifier")))
        }
    }
}
