import Crypto
import Foundation
import Storage

/// An authenticated caller of the JSR API: a configured user, and what the token they came with
/// allows (`nil`: everything that user may do).
public struct JSRActor: Sendable {
    public var user: RegistryUser
    public var id: String
    public var permissions: [JSRPermission]?

    public init(user: RegistryUser, permissions: [JSRPermission]? = nil) {
        self.user = user
        self.id = JSRUsers.id(of: user.name)
        self.permissions = permissions
    }

    /// Account changes (scopes, members, settings) need a token without publish-only permissions.
    func requireFullAccess(_ action: String) throws(JSRError) {
        if permissions != nil { throw JSRError(.missingPermission, "this token may only publish packages; \(action) needs a full login token") }
    }

    /// `tarballHash` is `sha256-<hex>` of the upload.
    func requirePublish(scope: String, package: String, version: String, tarballHash: String) throws(JSRError) {
        guard let permissions else { return }
        guard permissions.contains(where: { $0.allows(scope: scope, package: package, version: version, tarballHash: tarballHash) }) else {
            throw JSRError(.missingPermission, "this token may not publish @\(scope)/\(package)@\(version) with this tarball")
        }
    }
}

/// Wharf's configured users (`[[auth.users]]`) as the JSR API shows them. Each has a UUID derived
/// from its name, so ids stay stable across restarts and machines sharing a config.
public struct JSRUsers: Sendable {
    public let users: [RegistryUser]
    /// When this store first saw the registry (users' `createdAt`).
    let since: String

    init(users: [RegistryUser], since: String) {
        self.users = users
        self.since = since
    }

    /// A name-based UUID (version 8 layout, SHA-256 of the name).
    public static func id(of name: String) -> String {
        var bytes = Array(SHA256.hash(data: Array("wharf.user:\(name)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Hex.encode(bytes)
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    public func user(id: String) -> RegistryUser? {
        users.first { Self.id(of: $0.name) == id.lowercased() }
    }

    public func user(named name: String) -> RegistryUser? {
        users.first { $0.name == name } ?? users.first { $0.name.lowercased() == name.lowercased() }
    }

    func summary(id: String) -> JSRUserSummary {
        let name = user(id: id)?.name ?? "(removed user)"
        return JSRUserSummary(id: id, name: name, avatarUrl: "", githubId: nil, createdAt: since, updatedAt: since)
    }

    func summary(_ user: RegistryUser) -> JSRUserSummary { summary(id: Self.id(of: user.name)) }
}
