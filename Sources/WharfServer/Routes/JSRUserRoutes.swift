import Foundation
import Hummingbird
import Registry

/// `/api/user…` (the signed-in user, their scopes, invites and tokens) and `/api/users/{id}`.
struct JSRUserRoutes: Sendable {
    let scopes: JSRScopes
    let authorizations: JSRAuthorizations

    func register(on api: RouterGroup<WharfRequestContext>) {
        api.get("user", use: user)
        api.get("user/scopes", use: ownScopes)
        api.get("user/member/:scope", use: membership)
        api.get("user/invites", use: receivedInvites)
        api.post("user/invites/:scope", use: acceptInvite)
        api.delete("user/invites/:scope", use: declineInvite)
        api.get("user/tokens", use: tokens)
        api.post("user/tokens", use: createToken)
        api.delete("user/tokens/:id", use: deleteToken)
        api.get("users/:id", use: userById)
        api.get("users/:id/scopes", use: scopesOfUser)
    }

    @Sendable func user(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(scopes.fullUser(await authorizations.actor(of: request)))
    }

    @Sendable func ownScopes(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(scopes.scopes(ofUser: await authorizations.actor(of: request).id))
    }

    @Sendable func membership(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        return try JSRAPI.json(scopes.membership(of: try context.parameters.require("scope"), for: actor))
    }

    @Sendable func receivedInvites(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(scopes.receivedInvites(for: await authorizations.actor(of: request)))
    }

    @Sendable func acceptInvite(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        return try JSRAPI.json(await scopes.acceptInvite(to: try context.parameters.require("scope"), by: actor))
    }

    @Sendable func declineInvite(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        try await scopes.declineInvite(to: try context.parameters.require("scope"), by: actor)
        return JSRAPI.noContent()
    }

    @Sendable func tokens(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(authorizations.tokens(of: await authorizations.actor(of: request)))
    }

    @Sendable func createToken(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        let body = try await JSRAPI.body(request)
        var expires: Date?
        if let value = body["expiresAt"], value != .null {
            guard case .string(let text) = value, let date = JSRTime.parse(text) else {
                throw JSRError(.malformedRequest, "expiresAt must be an RFC 3339 time")
            }
            expires = date
        }
        let permissions = try JSRAPI.decode([JSRPermission].self, body["permissions"], "permissions")
        let (token, secret) = try await authorizations.createToken(
            description: try JSRAPI.string(body["description"], "description"), expiresAt: expires, permissions: permissions, by: actor)
        return try JSRAPI.json(TokenCreated(token: secret, details: token))
    }

    @Sendable func deleteToken(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        try await authorizations.deleteToken(id: try context.parameters.require("id"), by: actor)
        return JSRAPI.noContent()
    }

    @Sendable func userById(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(scopes.user(id: try context.parameters.require("id")))
    }

    @Sendable func scopesOfUser(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(scopes.scopes(ofUser: try context.parameters.require("id")))
    }

    /// `POST /api/user/tokens`: the secret, shown this once, beside the token's details.
    struct TokenCreated: Encodable {
        var token: String
        var details: JSRToken

        func encode(to encoder: any Encoder) throws {
            try details.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(token, forKey: Key(stringValue: "secret")!)
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }
}
