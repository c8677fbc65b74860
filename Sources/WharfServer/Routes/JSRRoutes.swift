import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Registry
import URLLayout

/// The JSR registry API under `/api` (the jsr API 1.0.0 seed, as jsr.io serves it): scopes,
/// members, invites, packages, versions, publishing tasks, users, tokens and device authorization.
struct JSRRoutes {
    let registry: JSRRegistry
    let authorizations: JSRAuthorizations
    let publisher: JSRPublisher
    let urls: WharfURLs
    let loginGuard: LoginGuard

    /// JSON request bodies are small; anything larger is a mistake.
    static let maxJSONBody = 64 * 1024

    func register(on router: Router<WharfRequestContext>) {
        let api = router.group("api")
        registerScopes(on: api)
        registerPackages(on: api)
        registerUsers(on: api)
        registerAuthorizations(on: api)
        // `publish_status` is the name `deno publish` polls.
        for path in ["publishing_tasks/:id", "publish_status/:id"] {
            api.get(RouterPath(path)) { _, context in try Self.run { try json(registry.task(context.parameters.require("id"))) } }
        }
        api.get("stats") { _, _ in try Self.run { try json(registry.stats()) } }
    }

    // MARK: scopes, members, invites

    private func registerScopes(on api: RouterGroup<WharfRequestContext>) {
        api.post("scopes") { request, _ in
            try await Self.run {
                let actor = try await actor(request)
                let body = try await Self.body(request)
                return try json(await registry.createScope(try Self.string(body["scope"], "scope"), by: actor))
            }
        }
        api.get("scopes/:scope") { request, context in
            try await Self.run {
                let viewer = request.headers[.authorization] == nil ? nil : try await actor(request)
                return try json(registry.scope(try context.parameters.require("scope"), viewer: viewer))
            }
        }
        api.patch("scopes/:scope") { request, context in
            try await Self.run {
                let actor = try await actor(request)
                let (key, value) = try Self.oneOf(await Self.body(request), ["description", "ghActionsVerifyActor", "requirePublishingFromCI"])
                let change: JSRRegistry.ScopeChange = switch key {
                case "description": .description(try Self.string(value, key))
                case "ghActionsVerifyActor": .ghActionsVerifyActor(try Self.bool(value, key))
                default: .requirePublishingFromCI(try Self.bool(value, key))
                }
                return try json(await registry.updateScope(try context.parameters.require("scope"), change, by: actor))
            }
        }
        api.delete("scopes/:scope") { request, context in
            try await Self.run {
                try await registry.deleteScope(try context.parameters.require("scope"), by: actor(request))
                return Self.noContent()
            }
        }
        api.get("scopes/:scope/members") { _, context in
            try Self.run { try json(registry.members(of: try context.parameters.require("scope"))) }
        }
        api.post("scopes/:scope/members") { request, context in
            try await Self.run {
                let actor = try await actor(request)
                let (key, value) = try Self.oneOf(await Self.body(request), ["githubLogin", "id"])
                let target: JSRRegistry.InviteTarget = key == "id" ? .id(try Self.string(value, key)) : .githubLogin(try Self.string(value, key))
                return try json(await registry.invite(target, to: try context.parameters.require("scope"), by: actor))
            }
        }
        api.patch("scopes/:scope/members/:user") { request, context in
            try await Self.run {
                let actor = try await actor(request)
                let isAdmin = try Self.bool(await Self.body(request)["isAdmin"], "isAdmin")
                return try json(await registry.updateMember(
                    try context.parameters.require("user"), of: try context.parameters.require("scope"), isAdmin: isAdmin, by: actor))
            }
        }
        api.delete("scopes/:scope/members/:user") { request, context in
            try await Self.run {
                try await registry.removeMember(try context.parameters.require("user"), from: try context.parameters.require("scope"), by: actor(request))
                return Self.noContent()
            }
        }
        api.get("scopes/:scope/invites") { request, context in
            try await Self.run { try json(registry.invites(of: try context.parameters.require("scope"), by: await actor(request))) }
        }
        api.delete("scopes/:scope/invites/:user") { request, context in
            try await Self.run {
                try await registry.deleteInvite(for: try context.parameters.require("user"), of: try context.parameters.require("scope"), by: actor(request))
                return Self.noContent()
            }
        }
    }

    // MARK: packages and versions

    private func registerPackages(on api: RouterGroup<WharfRequestContext>) {
        api.get("packages") { request, _ in
            try Self.run {
                let query = request.uri.queryParameters
                return try json(registry.packages(try Self.paging(request), query: query["query"].map(String.init)))
            }
        }
        api.get("scopes/:scope/packages") { request, context in
            try Self.run { try json(registry.packages(in: try context.parameters.require("scope"), try Self.paging(request))) }
        }
        api.post("scopes/:scope/packages") { request, context in
            try await Self.run {
                let actor = try await actor(request)
                let name = try Self.string(await Self.body(request)["package"], "package")
                return try json(await registry.createPackage(name, in: try context.parameters.require("scope"), by: actor))
            }
        }
        api.get("scopes/:scope/packages/:package") { _, context in
            try Self.run { try json(registry.package(try context.parameters.require("package"), in: try context.parameters.require("scope"))) }
        }
        api.patch("scopes/:scope/packages/:package") { request, context in
            try await Self.run {
                let actor = try await actor(request)
                let (key, value) = try Self.oneOf(await Self.body(request), ["description", "runtimeCompat", "githubRepository", "isArchived"])
                let change: JSRRegistry.PackageChange
                switch key {
                case "description": change = .description(try Self.string(value, key))
                case "isArchived": change = .isArchived(try Self.bool(value, key))
                case "runtimeCompat":
                    guard let compat = try Self.decode(JSRRuntimeCompat.self, value, key) else { throw JSRError(.malformedRequest, "'runtimeCompat' must be an object") }
                    change = .runtimeCompat(compat)
                default: change = .githubRepository(try Self.decode(JSRGitHubRepository.self, value, key))
                }
                return try json(await registry.updatePackage(
                    try context.parameters.require("package"), in: try context.parameters.require("scope"), change, by: actor))
            }
        }
        api.delete("scopes/:scope/packages/:package") { request, context in
            try await Self.run {
                try await registry.deletePackage(try context.parameters.require("package"), in: try context.parameters.require("scope"), by: actor(request))
                return Self.noContent()
            }
        }
        api.get("scopes/:scope/packages/:package/dependents") { request, context in
            try Self.run {
                let perPackage = try Self.integer(request, "versions_per_package_limit", default: 10)
                return try json(registry.dependents(
                    of: try context.parameters.require("package"), in: try context.parameters.require("scope"), try Self.paging(request),
                    versionsPerPackage: perPackage))
            }
        }
        api.get("scopes/:scope/packages/:package/versions") { _, context in
            try Self.run { try json(registry.versions(of: try context.parameters.require("package"), in: try context.parameters.require("scope"))) }
        }
        api.get("scopes/:scope/packages/:package/versions/:version") { _, context in
            try Self.run {
                let (scope, package, version) = try Self.coordinates(context)
                return try json(registry.version(version, of: package, in: scope))
            }
        }
        api.post("scopes/:scope/packages/:package/versions/:version") { request, context in
            try await Self.run { try await publish(request, context: context) }
        }
        api.patch("scopes/:scope/packages/:package/versions/:version") { request, context in
            try await Self.run {
                let actor = try await actor(request)
                let yanked = try Self.bool(await Self.body(request)["yanked"], "yanked")
                let (scope, package, version) = try Self.coordinates(context)
                return try json(await registry.setYanked(yanked, version: version, of: package, in: scope, by: actor))
            }
        }
        api.get("scopes/:scope/packages/:package/versions/:version/dependencies") { _, context in
            try Self.run {
                let (scope, package, version) = try Self.coordinates(context)
                return try json(registry.dependencies(of: version, of: package, in: scope))
            }
        }
    }

    /// The tarball is read whole (at most the limit: 413 beyond it) and queued; the answer is the
    /// `pending` task, which the publisher then takes to `success` or `failure`.
    private func publish(_ request: Request, context: WharfRequestContext) async throws(JSRError) -> Response {
        let actor = try await actor(request)
        let (scope, package, version) = try Self.coordinates(context)
        guard let config = request.uri.queryParameters["config"].map(String.init), !config.isEmpty else {
            throw JSRError(.malformedRequest, "the config query parameter (the path of jsr.json or deno.json in the tarball) is missing")
        }
        let limit = registry.limits.maxTarballSize
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw JSRError(.tarballSizeLimitExceeded, "the tarball is \(declared) bytes; the limit is \(limit)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw JSRError(.tarballSizeLimitExceeded, "the tarball is larger than the limit of \(limit) bytes")
        }
        let task = try await registry.enqueuePublish(
            scope: scope, name: package, version: version, configPath: config, tarball: Array(buffer.readableBytesView), by: actor)
        await publisher.wake()
        return try json(task)
    }

    // MARK: users and tokens

    private func registerUsers(on api: RouterGroup<WharfRequestContext>) {
        api.get("user") { request, _ in try await Self.run { try json(registry.fullUser(await actor(request))) } }
        api.get("user/scopes") { request, _ in try await Self.run { try json(registry.scopes(ofUser: await actor(request).id)) } }
        api.get("user/member/:scope") { request, context in
            try await Self.run { try json(registry.membership(of: try context.parameters.require("scope"), for: await actor(request))) }
        }
        api.get("user/invites") { request, _ in try await Self.run { try json(registry.receivedInvites(for: await actor(request))) } }
        api.post("user/invites/:scope") { request, context in
            try await Self.run { try json(await registry.acceptInvite(to: try context.parameters.require("scope"), by: actor(request))) }
        }
        api.delete("user/invites/:scope") { request, context in
            try await Self.run {
                try await registry.declineInvite(to: try context.parameters.require("scope"), by: actor(request))
                return Self.noContent()
            }
        }
        api.get("user/tokens") { request, _ in try await Self.run { try json(authorizations.tokens(of: await actor(request))) } }
        api.post("user/tokens") { request, _ in
            try await Self.run {
                let actor = try await actor(request)
                let body = try await Self.body(request)
                var expires: Date?
                if let value = body["expiresAt"], value != .null {
                    guard case .string(let text) = value, let date = JSRTime.parse(text) else {
                        throw JSRError(.malformedRequest, "expiresAt must be an RFC 3339 time")
                    }
                    expires = date
                }
                let permissions = try Self.decode([JSRPermission].self, body["permissions"], "permissions")
                let (token, secret) = try await authorizations.createToken(
                    description: try Self.string(body["description"], "description"), expiresAt: expires, permissions: permissions, by: actor)
                return try json(TokenCreated(token: secret, details: token))
            }
        }
        api.delete("user/tokens/:id") { request, context in
            try await Self.run {
                try await authorizations.deleteToken(id: try context.parameters.require("id"), by: actor(request))
                return Self.noContent()
            }
        }
        api.get("users/:id") { _, context in try Self.run { try json(registry.user(id: try context.parameters.require("id"))) } }
        api.get("users/:id/scopes") { _, context in try Self.run { try json(registry.scopes(ofUser: try context.parameters.require("id"))) } }
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

    // MARK: device authorization

    private func registerAuthorizations(on api: RouterGroup<WharfRequestContext>) {
        api.post("authorizations") { request, _ in
            try await Self.run {
                let body = try await Self.body(request)
                let permissions = try Self.decode([JSRPermission].self, body["permissions"], "permissions")
                return try json(await authorizations.start(
                    challenge: try Self.string(body["challenge"], "challenge"), permissions: permissions, verificationURL: urls.deviceVerification))
            }
        }
        api.get("authorizations/details/:code") { _, context in
            try Self.run { try json(authorizations.details(code: try context.parameters.require("code"))) }
        }
        api.post("authorizations/approve/:code") { request, context in
            try await Self.run {
                try await authorizations.decide(code: try context.parameters.require("code"), approve: true, by: actor(request))
                return Self.noContent()
            }
        }
        api.post("authorizations/deny/:code") { request, context in
            try await Self.run {
                try await authorizations.decide(code: try context.parameters.require("code"), approve: false, by: actor(request))
                return Self.noContent()
            }
        }
        api.post("authorizations/exchange") { request, context in
            try await Self.run {
                let body = try await Self.body(request)
                // Guessed exchange tokens and wrong verifiers count; `authorizationPending` (polling) does not.
                let isFailure: (any Error) -> Bool = { error in
                    [.authorizationInvalidVerifier, .authorizationNotFound].contains((error as? JSRError)?.code)
                }
                do {
                    return try await loginGuard.attempt("device-flow exchange", request: request, context: context, isFailure: isFailure) {
                        try json(await authorizations.exchange(
                            exchangeToken: try Self.string(body["exchangeToken"], "exchangeToken"), verifier: try Self.string(body["verifier"], "verifier")))
                    }
                } catch let error as TooManyFailures {
                    throw TooManyFailuresError(failure: error, jsr: true)
                }
            }
        }
    }

    // MARK: helpers

    private func actor(_ request: Request) async throws(JSRError) -> JSRActor {
        try await authorizations.authenticate(authorization: request.headers[.authorization])
    }

    private func json(_ value: some Encodable) throws(JSRError) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            return JSONResponse.make(try encoder.encode(value), cacheControl: "no-store")
        } catch {
            throw JSRError(.internalServerError, "could not encode the response: \(error)")
        }
    }

    /// Runs a handler and turns its `JSRError` into jsr.io's error answer.
    static func run(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as JSRError {
            throw error.http
        }
    }

    static func run(_ body: () throws -> Response) throws -> Response {
        do {
            return try body()
        } catch let error as JSRError {
            throw error.http
        }
    }

    static func noContent() -> Response {
        Response(status: .noContent, headers: [.cacheControl: "no-store", .accessControlAllowOrigin: "*"])
    }

    static func coordinates(_ context: WharfRequestContext) throws(JSRError) -> (String, String, String) {
        (try context.parameters.require("scope"), try context.parameters.require("package"), try context.parameters.require("version"))
    }

    /// The request's JSON object.
    static func body(_ request: Request) async throws(JSRError) -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxJSONBody)
        } catch {
            throw JSRError(.malformedRequest, "the request body is larger than \(maxJSONBody) bytes")
        }
        guard let object = try? JSONValue.parse(Array(buffer.readableBytesView)), case .object = object else {
            throw JSRError(.malformedRequest, "the request body must be a JSON object")
        }
        return object
    }

    /// jsr.io's "one of" bodies: exactly one of the known keys.
    static func oneOf(_ body: JSONValue, _ keys: [String]) throws(JSRError) -> (String, JSONValue) {
        guard let members = body.objectMembers, members.count == 1, let (key, value) = members.first, keys.contains(key) else {
            throw JSRError(.malformedRequest, "the body must have exactly one of \(keys.joined(separator: ", "))")
        }
        return (key, value)
    }

    static func string(_ value: JSONValue?, _ key: String) throws(JSRError) -> String {
        guard case .string(let text)? = value else { throw JSRError(.malformedRequest, "'\(key)' must be a string") }
        return text
    }

    static func bool(_ value: JSONValue?, _ key: String) throws(JSRError) -> Bool {
        guard case .bool(let flag)? = value else { throw JSRError(.malformedRequest, "'\(key)' must be true or false") }
        return flag
    }

    /// An optional nested object (`permissions`, `runtimeCompat`…): absent or null is nil.
    static func decode<T: Decodable>(_ type: T.Type, _ value: JSONValue?, _ key: String) throws(JSRError) -> T? {
        guard let value, value != .null else { return nil }
        guard let decoded = try? JSONDecoder().decode(T.self, from: Data(value.bytes)) else {
            throw JSRError(.malformedRequest, "'\(key)' has the wrong shape")
        }
        return decoded
    }

    static func integer(_ request: Request, _ name: String, default fallback: Int) throws(JSRError) -> Int {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return fallback }
        guard let value = Int(raw) else { throw JSRError(.malformedRequest, "\(name) must be an integer, got '\(raw)'") }
        return value
    }

    static func paging(_ request: Request) throws(JSRError) -> JSRPaging {
        try JSRPaging(page: try integer(request, "page", default: 1), limit: try integer(request, "limit", default: 20))
    }
}

extension Parameters {
    /// A path parameter the route pattern guarantees.
    func require(_ name: String) throws(JSRError) -> String {
        guard let value = get(name) else { throw JSRError(.malformedRequest, "missing path parameter \(name)") }
        return value.removingPercentEncoding ?? String(value)
    }
}
