import Crypto
import Foundation
import JSON
import JWTKit
import Storage

/// A user of the registry APIs, from `[[auth.users]]`.
public struct RegistryUser: Sendable, Equatable {
    public var name: String
    public var key: String
    public var admin: Bool

    public init(name: String, key: String, admin: Bool) {
        self.name = name
        self.key = key
        self.admin = admin
    }
}

/// The claims of a Wharf token: Eik's `name` and `user`, plus expiry and issue time.
struct TokenClaims: JWTPayload {
    var name: String
    var user: String
    var exp: ExpirationClaim
    var iat: IssuedAtClaim

    func verify(using algorithm: some JWTAlgorithm) throws {
        try exp.verifyNotExpired()
    }
}

/// Logs users in with their key and checks bearer tokens (HS256 JWTs). Only HS256 with Wharf's
/// secret is accepted: `alg: none`, other keys and expired tokens are refused.
public final class Authenticator: Sendable {
    public let users: [RegistryUser]
    public let tokenLifetime: Duration
    private let keys: JWTKeyCollection

    /// Tokens last 60 days unless `auth.token_ttl` says otherwise.
    public static let defaultTokenLifetime: Duration = .seconds(60 * 86400)

    public init(users: [RegistryUser], secret: [UInt8], tokenLifetime: Duration = Authenticator.defaultTokenLifetime) async {
        self.users = users
        self.tokenLifetime = tokenLifetime
        keys = JWTKeyCollection()
        // HS256 wants a key of at least 32 bytes; a shorter configured secret is stretched with SHA-256.
        let key = secret.count >= 32 ? secret : Array(SHA256.hash(data: secret))
        await keys.add(hmac: HMACKey(key: SymmetricKey(data: key)), digestAlgorithm: .sha256)
    }

    /// The configured secret, or one generated on first use and kept in the store's meta table.
    public static func secret(configured: String, environment: StoreEnvironment) throws -> [UInt8] {
        if !configured.isEmpty { return Array(configured.utf8) }
        let meta = try environment.table("meta")
        let key = StoreKey.make("auth.jwt_secret")
        if let existing = try environment.read({ try $0.get(meta, key: key) }) { return existing }
        let fresh = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        return try environment.writeNow(durable: true) { txn in
            if let raced = try txn.get(meta, key: key) { return raced }
            try txn.put(meta, key: key, value: fresh)
            return fresh
        }
    }

    /// `POST /auth/login`: the token for the user whose key this is.
    public func login(key: String) async throws(RegistryError) -> String {
        try await token(for: try user(key: key))
    }

    /// The user whose key this is (compared in constant time).
    public func user(key: String) throws(RegistryError) -> RegistryUser {
        guard let user = users.first(where: { Self.constantTimeEquals($0.key, key) }) else {
            throw RegistryError(.unauthorized, "unknown key")
        }
        return user
    }

    public func token(for user: RegistryUser, now: Date = Date()) async throws(RegistryError) -> String {
        let claims = TokenClaims(
            name: user.name, user: user.name,
            exp: ExpirationClaim(value: now.addingTimeInterval(tokenLifetime / .seconds(1))), iat: IssuedAtClaim(value: now)
        )
        do {
            return try await keys.sign(claims)
        } catch {
            throw RegistryError(.storage, "could not sign a token: \(error)")
        }
    }

    /// The user an `Authorization: Bearer <jwt>` header names; 401 for anything else.
    public func authenticate(authorization: String?) async throws(RegistryError) -> RegistryUser {
        guard let authorization, !authorization.isEmpty else {
            throw RegistryError(.unauthorized, "missing Authorization: Bearer <token>")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw RegistryError(.unauthorized, "malformed Authorization header: expected Bearer <token>")
        }
        let token = String(parts[1])
        // Only HS256, whatever key collection would also accept: the header must say so.
        guard Self.algorithm(of: token) == "HS256" else {
            throw RegistryError(.unauthorized, "invalid token: only HS256 tokens are accepted")
        }
        let claims: TokenClaims
        do {
            claims = try await keys.verify(token, as: TokenClaims.self)
        } catch {
            throw RegistryError(.unauthorized, "invalid token: \(Self.reason(error))")
        }
        guard let user = users.first(where: { $0.name == claims.user }) else {
            throw RegistryError(.unauthorized, "invalid token: user '\(claims.user)' no longer exists")
        }
        return user
    }

    /// The `alg` of a compact JWT's header, or nil when the header is not readable JSON.
    static func algorithm(of token: String) -> String? {
        guard let header = token.split(separator: ".", omittingEmptySubsequences: false).first, header.count <= 1024 else { return nil }
        var base64 = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let header = try? JSONValue.parse(Array(data)) else { return nil }
        return header["alg"]?.stringValue
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? JWTError {
            switch error.errorType {
            case .claimVerificationFailure: return "expired"
            case .signatureVerificationFailed: return "bad signature"
            default: return "\(error.errorType)"
            }
        }
        return "malformed"
    }

    /// Compares secrets without leaking, through timing, how much of them matched.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
