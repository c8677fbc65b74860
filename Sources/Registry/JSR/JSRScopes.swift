import Foundation
import Storage

/// Scopes, their members and invites, and the users' view of them. Creators are admins; admins
/// manage settings, members and invites; a scope always keeps at least one admin.
public struct JSRScopes: JSRAggregate {
    let tables: JSRTables
    public let users: JSRUsers
    public let quotas: JSRQuotas

    public enum ScopeChange: Sendable {
        case description(String)
        case ghActionsVerifyActor(Bool)
        case requirePublishingFromCI(Bool)
    }

    public enum InviteTarget: Sendable {
        case id(String)
        case githubLogin(String)
    }

    struct ScopeRecord: Codable, Sendable {
        var scope: String
        var description: String
        var creatorId: String
        var ghActionsVerifyActor: Bool
        var requirePublishingFromCI: Bool
        var createdAt: String
        var updatedAt: String
    }

    struct MemberRecord: Codable, Sendable {
        var scope: String
        var userId: String
        var isAdmin: Bool
        var createdAt: String
        var updatedAt: String
    }

    struct InviteRecord: Codable, Sendable {
        var scope: String
        var targetUserId: String
        var requestingUserId: String
        var createdAt: String
        var updatedAt: String
    }

    // MARK: scopes

    public func createScope(_ raw: String, by actor: JSRActor) async throws(JSRError) -> JSRScope {
        let scope = try JSRNames.scope(raw)
        try actor.requireFullAccess("creating a scope")
        let now = Self.now(), limit = quotas.scopesPerUser
        let record = ScopeRecord(scope: scope, description: "", creatorId: actor.id, ghActionsVerifyActor: false, requirePublishingFromCI: false, createdAt: now, updatedAt: now)
        let member = MemberRecord(scope: scope, userId: actor.id, isAdmin: true, createdAt: now, updatedAt: now)
        let scopes = scopes, members = members
        try await write("create scope @\(scope)") { txn in
            if try txn.contains(scopes, key: Self.key(scope)) {
                throw JSRError(.scopeAlreadyExists, "scope @\(scope) already exists")
            }
            let owned = try Self.all(ScopeRecord.self, scopes, in: txn).filter { $0.creatorId == actor.id }.count
            guard owned < limit else {
                throw JSRError(.scopeLimitReached, "\(actor.user.name) has created \(owned) scopes, the limit is \(limit)")
            }
            try txn.put(scopes, key: Self.key(scope), value: try Self.encode(record))
            try txn.put(members, key: Self.key(scope, actor.id), value: try Self.encode(member))
        }
        return try self.scope(scope, viewer: actor)
    }

    /// A scope as `viewer` may see it: admins also get the creator, quotas and settings.
    public func scope(_ raw: String, viewer: JSRActor?) throws(JSRError) -> JSRScope {
        let scope = try JSRNames.scope(raw)
        return try read("read scope @\(scope)") { txn in
            let record = try requireScope(scope, in: txn)
            let isAdmin = try viewer.map { try Self.get(MemberRecord.self, members, Self.key(scope, $0.id), in: txn)?.isAdmin ?? false } ?? false
            return try view(record, admin: isAdmin, in: txn)
        }
    }

    public func updateScope(_ raw: String, _ change: ScopeChange, by actor: JSRActor) async throws(JSRError) -> JSRScope {
        let scope = try JSRNames.scope(raw)
        try actor.requireFullAccess("changing scope settings")
        if case .description(let text) = change, text.count > 200 {
            throw JSRError(.malformedRequest, "a scope description is at most 200 characters")
        }
        let scopes = scopes
        try await write("update scope @\(scope)") { txn in
            var record = try self.requireScope(scope, in: txn)
            try self.requireAdmin(actor, scope: scope, in: txn)
            switch change {
            case .description(let text): record.description = text
            case .ghActionsVerifyActor(let on): record.ghActionsVerifyActor = on
            case .requirePublishingFromCI(let on): record.requirePublishingFromCI = on
            }
            record.updatedAt = Self.now()
            try txn.put(scopes, key: Self.key(scope), value: try Self.encode(record))
        }
        return try self.scope(scope, viewer: actor)
    }

    public func deleteScope(_ raw: String, by actor: JSRActor) async throws(JSRError) {
        let scope = try JSRNames.scope(raw)
        try actor.requireFullAccess("deleting a scope")
        let scopes = scopes, members = members, invites = invites, packages = packages
        try await write("delete scope @\(scope)") { txn in
            _ = try self.requireScope(scope, in: txn)
            try self.requireAdmin(actor, scope: scope, in: txn)
            let count = try txn.keys(packages, prefix: Self.prefix(scope)).count
            if count > 0 { throw JSRError(.scopeNotEmpty, "scope @\(scope) still has \(count) package(s); delete them first") }
            _ = try txn.delete(scopes, key: Self.key(scope))
            for key in try txn.keys(members, prefix: Self.prefix(scope)) { _ = try txn.delete(members, key: key) }
            for key in try txn.keys(invites, prefix: Self.prefix(scope)) { _ = try txn.delete(invites, key: key) }
        }
    }

    // MARK: members

    public func members(of raw: String) throws(JSRError) -> [JSRScopeMember] {
        let scope = try JSRNames.scope(raw)
        return try read("list members of @\(scope)") { txn in
            _ = try requireScope(scope, in: txn)
            return try Self.all(MemberRecord.self, members, prefix: Self.prefix(scope), in: txn).map(view)
        }
    }

    /// The actor's own membership (`/api/user/member/{scope}`).
    public func membership(of raw: String, for actor: JSRActor) throws(JSRError) -> JSRScopeMember {
        let scope = try JSRNames.scope(raw)
        return try read("read membership") { txn in
            _ = try requireScope(scope, in: txn)
            guard let member = try Self.get(MemberRecord.self, members, Self.key(scope, actor.id), in: txn) else {
                throw JSRError(.scopeMemberNotFound, "\(actor.user.name) is not a member of @\(scope)")
            }
            return view(member)
        }
    }

    public func invite(_ target: InviteTarget, to raw: String, by actor: JSRActor) async throws(JSRError) -> JSRScopeInvite {
        let scope = try JSRNames.scope(raw)
        try actor.requireFullAccess("inviting members")
        let invitee: RegistryUser
        switch target {
        case .id(let id):
            guard let user = users.user(id: id) else { throw JSRError(.userNotFound, "no user has the id \(id)") }
            invitee = user
        case .githubLogin(let login):
            guard let user = users.user(named: login) else { throw JSRError(.userNotFound, "no user is named '\(login)'") }
            invitee = user
        }
        let targetId = JSRUsers.id(of: invitee.name), now = Self.now()
        let record = InviteRecord(scope: scope, targetUserId: targetId, requestingUserId: actor.id, createdAt: now, updatedAt: now)
        let members = members, invites = invites
        try await write("invite to @\(scope)") { txn in
            _ = try self.requireScope(scope, in: txn)
            try self.requireAdmin(actor, scope: scope, in: txn)
            if try txn.contains(members, key: Self.key(scope, targetId)) {
                throw JSRError(.alreadyScopeMember, "\(invitee.name) is already a member of @\(scope)")
            }
            if try txn.contains(invites, key: Self.key(scope, targetId)) {
                throw JSRError(.alreadyInvited, "\(invitee.name) has already been invited to @\(scope)")
            }
            try txn.put(invites, key: Self.key(scope, targetId), value: try Self.encode(record))
        }
        return view(record)
    }

    public func updateMember(_ userId: String, of raw: String, isAdmin: Bool, by actor: JSRActor) async throws(JSRError) -> JSRScopeMember {
        let scope = try JSRNames.scope(raw)
        try actor.requireFullAccess("changing members")
        let members = members
        let member = try await write("update member of @\(scope)") { txn in
            _ = try self.requireScope(scope, in: txn)
            try self.requireAdmin(actor, scope: scope, in: txn)
            guard var member = try Self.get(MemberRecord.self, members, Self.key(scope, userId.lowercased()), in: txn) else {
                throw JSRError(.scopeMemberNotFound, "user \(userId) is not a member of @\(scope)")
            }
            if member.isAdmin && !isAdmin { try self.requireAnotherAdmin(than: member.userId, scope: scope, in: txn) }
            member.isAdmin = isAdmin
            member.updatedAt = Self.now()
            try txn.put(members, key: Self.key(scope, member.userId), value: try Self.encode(member))
            return member
        }
        return view(member)
    }

    /// Admins remove anyone; a member may also leave on their own.
    public func removeMember(_ userId: String, from raw: String, by actor: JSRActor) async throws(JSRError) {
        let scope = try JSRNames.scope(raw)
        try actor.requireFullAccess("removing members")
        let members = members, target = userId.lowercased()
        try await write("remove member of @\(scope)") { txn in
            _ = try self.requireScope(scope, in: txn)
            if target != actor.id { try self.requireAdmin(actor, scope: scope, in: txn) }
            guard let member = try Self.get(MemberRecord.self, members, Self.key(scope, target), in: txn) else {
                throw JSRError(.scopeMemberNotFound, "user \(userId) is not a member of @\(scope)")
            }
            if member.isAdmin { try self.requireAnotherAdmin(than: target, scope: scope, in: txn) }
            _ = try txn.delete(members, key: Self.key(scope, target))
        }
    }

    // MARK: invites

    public func invites(of raw: String, by actor: JSRActor) throws(JSRError) -> [JSRScopeInvite] {
        let scope = try JSRNames.scope(raw)
        return try read("list invites of @\(scope)") { txn in
            _ = try requireScope(scope, in: txn)
            try requireAdmin(actor, scope: scope, in: txn)
            return try Self.all(InviteRecord.self, invites, prefix: Self.prefix(scope), in: txn).map(view)
        }
    }

    public func deleteInvite(for userId: String, of raw: String, by actor: JSRActor) async throws(JSRError) {
        let scope = try JSRNames.scope(raw)
        try actor.requireFullAccess("withdrawing invites")
        let invites = invites
        try await write("delete invite to @\(scope)") { txn in
            _ = try self.requireScope(scope, in: txn)
            try self.requireAdmin(actor, scope: scope, in: txn)
            guard try txn.delete(invites, key: Self.key(scope, userId.lowercased())) else {
                throw JSRError(.scopeInviteNotFound, "user \(userId) has no invite to @\(scope)")
            }
        }
    }

    /// The invites the actor has received.
    public func receivedInvites(for actor: JSRActor) throws(JSRError) -> [JSRScopeInvite] {
        try read("list invites") { txn in
            try Self.all(InviteRecord.self, invites, in: txn).filter { $0.targetUserId == actor.id }.map(view)
        }
    }

    public func acceptInvite(to raw: String, by actor: JSRActor) async throws(JSRError) -> JSRScopeMember {
        let scope = try JSRNames.scope(raw)
        try actor.requireFullAccess("accepting invites")
        let invites = invites, members = members
        let member = try await write("accept invite to @\(scope)") { txn in
            guard try txn.delete(invites, key: Self.key(scope, actor.id)) else {
                throw JSRError(.scopeInviteNotFound, "\(actor.user.name) has no invite to @\(scope)")
            }
            let now = Self.now()
            let member = MemberRecord(scope: scope, userId: actor.id, isAdmin: false, createdAt: now, updatedAt: now)
            try txn.put(members, key: Self.key(scope, actor.id), value: try Self.encode(member))
            return member
        }
        return view(member)
    }

    public func declineInvite(to raw: String, by actor: JSRActor) async throws(JSRError) {
        let scope = try JSRNames.scope(raw)
        try actor.requireFullAccess("declining invites")
        let invites = invites
        try await write("decline invite to @\(scope)") { txn in
            guard try txn.delete(invites, key: Self.key(scope, actor.id)) else {
                throw JSRError(.scopeInviteNotFound, "\(actor.user.name) has no invite to @\(scope)")
            }
        }
    }

    // MARK: users

    public func user(id: String) throws(JSRError) -> JSRUserSummary {
        guard let user = users.user(id: id) else { throw JSRError(.userNotFound, "no user has the id \(id)") }
        return users.summary(user)
    }

    /// `/api/user`: the actor with their scope usage and pending invites.
    public func fullUser(_ actor: JSRActor) throws(JSRError) -> JSRUser {
        let (usage, inviteCount) = try read("read user") { txn in
            (try Self.all(ScopeRecord.self, scopes, in: txn).filter { $0.creatorId == actor.id }.count,
             try Self.all(InviteRecord.self, invites, in: txn).filter { $0.targetUserId == actor.id }.count)
        }
        let summary = users.summary(actor.user)
        return JSRUser(
            id: actor.id, name: actor.user.name, email: nil, avatarUrl: summary.avatarUrl, githubId: nil, isBlocked: false,
            isStaff: actor.user.admin, scopeUsage: usage, scopeLimit: quotas.scopesPerUser, inviteCount: inviteCount,
            createdAt: summary.createdAt, updatedAt: summary.updatedAt
        )
    }

    /// The scopes a user is a member of.
    public func scopes(ofUser id: String) throws(JSRError) -> [JSRScope] {
        guard let user = users.user(id: id) else { throw JSRError(.userNotFound, "no user has the id \(id)") }
        let userId = JSRUsers.id(of: user.name)
        return try read("list scopes") { txn in
            let memberships = try Self.all(MemberRecord.self, members, in: txn).filter { $0.userId == userId }
            return try memberships.compactMap { member in
                try Self.get(ScopeRecord.self, scopes, Self.key(member.scope), in: txn).map { try view($0, admin: false, in: txn) }
            }
        }
    }

    // MARK: rules

    func requireScope(_ scope: String, in txn: borrowing some StoreTransaction & ~Copyable) throws -> ScopeRecord {
        guard let record = try Self.get(ScopeRecord.self, scopes, Self.key(scope), in: txn) else {
            throw JSRError(.scopeNotFound, "scope @\(scope) does not exist")
        }
        return record
    }

    @discardableResult
    func requireMember(_ actor: JSRActor, scope: String, in txn: borrowing some StoreTransaction & ~Copyable) throws -> MemberRecord {
        guard let member = try Self.get(MemberRecord.self, members, Self.key(scope, actor.id), in: txn) else {
            throw JSRError(.actorNotScopeMember, "\(actor.user.name) is not a member of @\(scope)")
        }
        return member
    }

    func requireAdmin(_ actor: JSRActor, scope: String, in txn: borrowing some StoreTransaction & ~Copyable) throws {
        guard let member = try Self.get(MemberRecord.self, members, Self.key(scope, actor.id), in: txn), member.isAdmin else {
            throw JSRError(.actorNotScopeAdmin, "\(actor.user.name) is not an admin of @\(scope)")
        }
    }

    private func requireAnotherAdmin(than userId: String, scope: String, in txn: borrowing some StoreTransaction & ~Copyable) throws {
        let admins = try Self.all(MemberRecord.self, members, prefix: Self.prefix(scope), in: txn).filter { $0.isAdmin && $0.userId != userId }
        if admins.isEmpty { throw JSRError(.scopeMustHaveAdmin, "@\(scope) must keep at least one admin") }
    }

    // MARK: quotas

    func publishAttempts(in scope: String, since: String, in txn: borrowing some StoreTransaction & ~Copyable) throws -> Int {
        try Self.all(JSRPublishingTask.self, tasks, in: txn).filter { $0.packageScope == scope && $0.createdAt >= since }.count
    }

    // MARK: views

    func view(_ record: ScopeRecord, admin: Bool, in txn: borrowing some StoreTransaction & ~Copyable) throws -> JSRScope {
        var scope = JSRScope(scope: record.scope, description: record.description, createdAt: record.createdAt, updatedAt: record.updatedAt)
        guard admin else { return scope }
        let packageList = try Self.all(JSRPackage.self, packages, prefix: Self.prefix(record.scope), in: txn)
        let weekAgo = Self.weekAgo()
        let attempts = try publishAttempts(in: record.scope, since: weekAgo, in: txn)
        scope.creator = users.summary(id: record.creatorId)
        scope.quotas = JSRScopeQuotas(
            packageUsage: packageList.count, packageLimit: quotas.packagesPerScope,
            newPackagePerWeekUsage: packageList.filter { $0.createdAt >= weekAgo }.count, newPackagePerWeekLimit: quotas.newPackagesPerWeek,
            publishAttemptsPerWeekUsage: attempts, publishAttemptsPerWeekLimit: quotas.publishAttemptsPerWeek
        )
        scope.ghActionsVerifyActor = record.ghActionsVerifyActor
        scope.requirePublishingFromCI = record.requirePublishingFromCI
        return scope
    }

    func view(_ member: MemberRecord) -> JSRScopeMember {
        JSRScopeMember(scope: member.scope, user: users.summary(id: member.userId), isAdmin: member.isAdmin, createdAt: member.createdAt, updatedAt: member.updatedAt)
    }

    func view(_ invite: InviteRecord) -> JSRScopeInvite {
        JSRScopeInvite(scope: invite.scope, targetUser: users.summary(id: invite.targetUserId), requestingUser: users.summary(id: invite.requestingUserId), createdAt: invite.createdAt, updatedAt: invite.updatedAt)
    }
}
