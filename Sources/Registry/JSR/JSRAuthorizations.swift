import Crypto
import Foundation
import Storage

/// Tokens for the JSR API: the device flow (`/api/authorizations`) that `deno publish` uses, and
/// personal tokens. Secrets are stored only as SHA-256 hashes; Wharf's login JWTs also work.
public final class JSRAuthorizations: JSRAggregate {
    public let authenticator: Authenticator
    public let registry: JSRRegistry
    /// How long an unapproved authorization may wait (jsr.io: 10 minutes).
    public let authorizationLifetime: Duration
    /// How long a device-flow token lasts.
    public let deviceTokenLifetime: Duration
    public static let defaultAuthorizationLifetime: Duration = .seconds(600)
    public static let defaultDeviceTokenLifetime: Duration = .seconds(3600)
    let tables: JSRTables
    var authorizations: Table { tables.authorizations }
    var codes: Table { tables.codes }
    var tokens: Table { tables.tokens }

    public init(registry: JSRRegistry, authenticator: Authenticator, authorizationLifetime: Duration = JSRAuthorizations.defaultAuthorizationLifetime, deviceTokenLifetime: Duration = JSRAuthorizations.defaultDeviceTokenLifetime) throws {
        self.authenticator = authenticator
        self.registry = registry
        self.authorizationLifetime = authorizationLifetime
        self.deviceTokenLifetime = deviceTokenLifetime
        tables = registry.tables
    }

    struct Pending: Codable, Sendable {
        enum State: String, Codable, Sendable { case pending, approved, denied }
        var code: String
        var challenge: String
        var permissions: [JSRPermission]?
        var expiresAt: Double
        var state: State
        var userId: String?
    }

    struct StoredToken: Codable, Sendable {
        var id: String
        var userId: String
        var type: String
        var description: String
        var permissions: [JSRPermission]?
        var expiresAt: Double?
        var createdAt: String
    }

    // MARK: device flow

    /// `verificationURL` is the bare approval page, as jsr.io answers it: deno prints
    /// `{verificationUrl}?code={code}` itself.
    public func start(challenge: String, permissions: [JSRPermission]?, verificationURL: String, now: Date = Date()) async throws(JSRError) -> JSRAuthorizationStart {
        guard !challenge.isEmpty, challenge.count <= 256 else { throw JSRError(.malformedRequest, "challenge must be a non-empty string") }
        if let permissions {
            for permission in permissions where permission.permission != "package/publish" {
                throw JSRError(.malformedRequest, "unknown permission '\(permission.permission)'; only package/publish is supported")
            }
            for permission in permissions { _ = try JSRNames.scope(permission.scope); _ = try permission.package.map(JSRNames.package) }
        }
        let exchangeToken = Self.randomToken(prefix: "jsrx_")
        let code = Self.randomCode()
        let expires = now.addingTimeInterval(authorizationLifetime / .seconds(1))
        let pending = Pending(code: code, challenge: challenge, permissions: permissions, expiresAt: expires.timeIntervalSince1970, state: .pending, userId: nil)
        let authorizations = authorizations, codes = codes, hash = Self.hash(exchangeToken)
        try await write("start an authorization") { txn in
            try self.sweep(now: now, in: txn)
            try txn.put(authorizations, key: hash, value: try Self.encode(pending))
            try txn.put(codes, key: Array(code.utf8), value: hash)
        }
        return JSRAuthorizationStart(
            verificationUrl: verificationURL, code: code, exchangeToken: exchangeToken,
            pollInterval: 2, expiresAt: JSRTime.format(expires)
        )
    }

    public func details(code: String, now: Date = Date()) throws(JSRError) -> JSRAuthorizationDetails {
        let pending = try lookup(code: code, now: now)
        return JSRAuthorizationDetails(code: pending.code, permissions: pending.permissions, expiresAt: JSRTime.format(Date(timeIntervalSince1970: pending.expiresAt)))
    }

    /// Approve or deny, by a signed-in user with a full token.
    public func decide(code: String, approve: Bool, by actor: JSRActor, now: Date = Date()) async throws(JSRError) {
        try actor.requireFullAccess(approve ? "approving an authorization" : "denying an authorization")
        let authorizations = authorizations, codes = codes, normalised = code.uppercased()
        try await write("decide an authorization") { txn in
            guard let hash = try txn.get(codes, key: Array(normalised.utf8)),
                  var pending = try Self.get(Pending.self, authorizations, hash, in: txn) else {
                throw JSRError(.authorizationNotFound, "no authorization has the code \(code)")
            }
            guard pending.expiresAt > now.timeIntervalSince1970 else { throw JSRError(.authorizationExpired, "authorization \(code) has expired") }
            guard pending.state == .pending else { throw JSRError(.authorizationNotFound, "authorization \(code) has already been \(pending.state.rawValue)") }
            pending.state = approve ? .approved : .denied
            pending.userId = actor.id
            try txn.put(authorizations, key: hash, value: try Self.encode(pending))
        }
    }

    /// Trades an approved authorization for a token, once, given the verifier behind its challenge.
    public func exchange(exchangeToken: String, verifier: String, now: Date = Date()) async throws(JSRError) -> JSRExchangeResult {
        let authorizations = authorizations, codes = codes, tokens = tokens, hash = Self.hash(exchangeToken)
        let lifetime = deviceTokenLifetime
        let token = Self.randomToken(prefix: "jsrd_")
        let issued: StoredToken = try await write("exchange an authorization") { txn in
            guard let pending = try Self.get(Pending.self, authorizations, hash, in: txn) else {
                throw JSRError(.authorizationNotFound, "no authorization has this exchange token")
            }
            guard pending.expiresAt > now.timeIntervalSince1970 else {
                throw JSRError(.authorizationExpired, "the authorization expired at \(JSRTime.format(Date(timeIntervalSince1970: pending.expiresAt)))")
            }
            let expected = Data(SHA256.hash(data: Array(verifier.utf8))).base64EncodedString()
            guard Authenticator.constantTimeEquals(expected, pending.challenge) else {
                throw JSRError(.authorizationInvalidVerifier, "the verifier does not match the challenge (base64 of its SHA-256)")
            }
            switch pending.state {
            case .pending: throw JSRError(.authorizationPending, "the authorization has not been approved yet")
            case .denied:
                // Kept (and answered the same way) until it expires and is swept.
                throw JSRError(.authorizationDenied, "the authorization was denied")
            case .approved:
                let stored = StoredToken(
                    id: UUID().uuidString.lowercased(), userId: pending.userId ?? "", type: "device", description: "device authorization \(pending.code)",
                    permissions: pending.permissions, expiresAt: now.addingTimeInterval(lifetime / .seconds(1)).timeIntervalSince1970, createdAt: JSRTime.format(now)
                )
                try txn.put(tokens, key: Self.hash(token), value: try Self.encode(stored))
                _ = try txn.delete(authorizations, key: hash)
                _ = try txn.delete(codes, key: Array(pending.code.utf8))
                return stored
            }
        }
        guard let user = registry.users.user(id: issued.userId) else { throw JSRError(.userNotFound, "the approving user no longer exists") }
        return JSRExchangeResult(token: token, user: try registry.scopes.fullUser(JSRActor(user: user)))
    }

    // MARK: personal tokens

    public func createToken(description: String, expiresAt: Date?, permissions: [JSRPermission]?, by actor: JSRActor, now: Date = Date()) async throws(JSRError) -> (JSRToken, String) {
        try actor.requireFullAccess("creating tokens")
        guard !description.isEmpty, description.count <= 250 else { throw JSRError(.malformedRequest, "a token needs a description of 1–250 characters") }
        if let expiresAt, expiresAt <= now { throw JSRError(.malformedRequest, "expiresAt must be in the future") }
        let secret = Self.randomToken(prefix: "jsrp_")
        let stored = StoredToken(
            id: UUID().uuidString.lowercased(), userId: actor.id, type: "personal", description: description, permissions: permissions,
            expiresAt: expiresAt?.timeIntervalSince1970, createdAt: JSRTime.format(now)
        )
        let tokens = tokens
        try await write("create a token") { txn in try txn.put(tokens, key: Self.hash(secret), value: try Self.encode(stored)) }
        return (view(stored), secret)
    }

    public func tokens(of actor: JSRActor, now: Date = Date()) throws(JSRError) -> [JSRToken] {
        try read("list tokens") { txn in
            try Self.all(StoredToken.self, tokens, in: txn)
                .filter { $0.userId == actor.id && ($0.expiresAt ?? .infinity) > now.timeIntervalSince1970 }
                .sorted { $0.createdAt < $1.createdAt }.map(view)
        }
    }

    public func deleteToken(id: String, by actor: JSRActor) async throws(JSRError) {
        try actor.requireFullAccess("deleting tokens")
        let tokens = tokens, wanted = id.lowercased()
        try await write("delete a token") { txn in
            var found: [UInt8]?
            try txn.scan(tokens, prefix: []) { key, value in
                let token = try JSRCoding.decode(StoredToken.self, value)
                if token.id == wanted && token.userId == actor.id { found = Array(key) }
                return found == nil
            }
            guard let found else { throw JSRError(.tokenNotFound, "you have no token with the id \(id)") }
            _ = try txn.delete(tokens, key: found)
        }
    }

    // MARK: authentication

    /// The actor behind `Authorization: Bearer …`: a device or personal token, or a Wharf login JWT.
    public func authenticate(authorization: String?, now: Date = Date()) async throws(JSRError) -> JSRActor {
        guard let authorization, !authorization.isEmpty else {
            throw JSRError(.missingAuthentication, "this endpoint needs Authorization: Bearer <token>")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw JSRError(.invalidBearerToken, "malformed Authorization header: expected Bearer <token>")
        }
        let secret = String(parts[1])
        if secret.hasPrefix("jsrd_") || secret.hasPrefix("jsrp_") {
            let stored = try read("check a token") { txn in try Self.get(StoredToken.self, tokens, Self.hash(secret), in: txn) }
            guard let stored else { throw JSRError(.invalidBearerToken, "unknown or revoked token") }
            guard (stored.expiresAt ?? .infinity) > now.timeIntervalSince1970 else { throw JSRError(.invalidBearerToken, "the token has expired") }
            guard let user = registry.users.user(id: stored.userId) else { throw JSRError(.invalidBearerToken, "the token's user no longer exists") }
            return JSRActor(user: user, permissions: stored.permissions)
        }
        do {
            return JSRActor(user: try await authenticator.authenticate(authorization: authorization))
        } catch {
            throw JSRError(.invalidBearerToken, error.message)
        }
    }

    // MARK: helpers

    private func lookup(code: String, now: Date) throws(JSRError) -> Pending {
        let found = try read("read an authorization") { txn -> Pending? in
            guard let hash = try txn.get(codes, key: Array(code.uppercased().utf8)) else { return nil }
            return try Self.get(Pending.self, authorizations, hash, in: txn)
        }
        guard let found, found.state == .pending else { throw JSRError(.authorizationNotFound, "no pending authorization has the code \(code)") }
        guard found.expiresAt > now.timeIntervalSince1970 else { throw JSRError(.authorizationExpired, "authorization \(code) has expired") }
        return found
    }

    /// Drops authorizations that expired more than an hour ago, so abandoned logins do not pile up.
    private func sweep(now: Date, in txn: borrowing WriteTransaction) throws {
        let cutoff = now.timeIntervalSince1970 - 3600
        var stale: [([UInt8], String)] = []
        try txn.scan(authorizations, prefix: []) { key, value in
            let pending = try JSRCoding.decode(Pending.self, value)
            if pending.expiresAt < cutoff { stale.append((Array(key), pending.code)) }
            return true
        }
        for (key, code) in stale {
            _ = try txn.delete(authorizations, key: key)
            _ = try txn.delete(codes, key: Array(code.utf8))
        }
    }

    private func view(_ token: StoredToken) -> JSRToken {
        JSRToken(id: token.id, description: token.description, userId: token.userId, type: token.type, permissions: token.permissions,
                 expiresAt: token.expiresAt.map { JSRTime.format(Date(timeIntervalSince1970: $0)) }, createdAt: token.createdAt)
    }

    static func hash(_ secret: String) -> [UInt8] { Array(SHA256.hash(data: Array(secret.utf8))) }

    static func randomToken(prefix: String) -> String {
        prefix + Hex.encode((0..<32).map { _ in UInt8.random(in: .min ... .max) })
    }

    /// `ABCD-EFGH`, from letters that cannot be mistaken for each other.
    static func randomCode() -> String {
        let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ")
        let chars = (0..<8).map { _ in letters[Int.random(in: 0..<letters.count)] }
        return String(chars[0..<4]) + "-" + String(chars[4..<8])
    }
}
