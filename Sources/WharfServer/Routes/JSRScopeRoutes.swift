import Hummingbird
import Registry

/// `/api/scopes/…`: scopes, their members and invites.
struct JSRScopeRoutes: Sendable {
    let scopes: JSRScopes
    let authorizations: JSRAuthorizations
    /// Emptied of JSR files when a package or scope goes (a name may be published again).
    let hot: HotCache

    func register(on api: RouterGroup<WharfRequestContext>) {
        api.post("scopes", use: createScope)
        api.get("scopes/:scope", use: scope)
        api.patch("scopes/:scope", use: updateScope)
        api.delete("scopes/:scope", use: deleteScope)
        api.get("scopes/:scope/members", use: members)
        api.post("scopes/:scope/members", use: invite)
        api.patch("scopes/:scope/members/:user", use: updateMember)
        api.delete("scopes/:scope/members/:user", use: removeMember)
        api.get("scopes/:scope/invites", use: invites)
        api.delete("scopes/:scope/invites/:user", use: deleteInvite)
    }

    @Sendable func createScope(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        let name = try JSRAPI.string(await JSRAPI.body(request)["scope"], "scope")
        return try JSRAPI.json(await scopes.createScope(name, by: actor))
    }

    /// Anyone may read a scope; a signed-in admin also sees its settings and quotas.
    @Sendable func scope(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let viewer = request.headers[.authorization] == nil ? nil : try await authorizations.actor(of: request)
        return try JSRAPI.json(scopes.scope(try context.parameters.require("scope"), viewer: viewer))
    }

    @Sendable func updateScope(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        let (key, value) = try JSRAPI.oneOf(await JSRAPI.body(request), ["description", "ghActionsVerifyActor", "requirePublishingFromCI"])
        let change: JSRScopes.ScopeChange = switch key {
        case "description": .description(try JSRAPI.string(value, key))
        case "ghActionsVerifyActor": .ghActionsVerifyActor(try JSRAPI.bool(value, key))
        default: .requirePublishingFromCI(try JSRAPI.bool(value, key))
        }
        return try JSRAPI.json(await scopes.updateScope(try context.parameters.require("scope"), change, by: actor))
    }

    @Sendable func deleteScope(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try await scopes.deleteScope(try context.parameters.require("scope"), by: authorizations.actor(of: request))
        hot.invalidate(prefix: JSRFileRoutes.hotPurgePrefix)
        return JSRAPI.noContent()
    }

    @Sendable func members(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(scopes.members(of: try context.parameters.require("scope")))
    }

    @Sendable func invite(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        let (key, value) = try JSRAPI.oneOf(await JSRAPI.body(request), ["githubLogin", "id"])
        let target: JSRScopes.InviteTarget = key == "id" ? .id(try JSRAPI.string(value, key)) : .githubLogin(try JSRAPI.string(value, key))
        return try JSRAPI.json(await scopes.invite(target, to: try context.parameters.require("scope"), by: actor))
    }

    @Sendable func updateMember(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        let isAdmin = try JSRAPI.bool(await JSRAPI.body(request)["isAdmin"], "isAdmin")
        return try JSRAPI.json(await scopes.updateMember(
            try context.parameters.require("user"), of: try context.parameters.require("scope"), isAdmin: isAdmin, by: actor))
    }

    @Sendable func removeMember(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        try await scopes.removeMember(try context.parameters.require("user"), from: try context.parameters.require("scope"), by: actor)
        return JSRAPI.noContent()
    }

    @Sendable func invites(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        return try JSRAPI.json(scopes.invites(of: try context.parameters.require("scope"), by: actor))
    }

    @Sendable func deleteInvite(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        try await scopes.deleteInvite(for: try context.parameters.require("user"), of: try context.parameters.require("scope"), by: actor)
        return JSRAPI.noContent()
    }
}
