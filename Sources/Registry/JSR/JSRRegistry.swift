import Foundation
import Storage

/// The JSR registry over Wharf's store, as aggregates over shared tables: scopes (with members,
/// invites and users), packages (with versions and their files) and the publishing queue. Every
/// change is one write transaction, so a version appears with its files, manifest and dependency
/// records at once, and concurrent changes cannot both win.
public final class JSRRegistry: Sendable {
    public let tables: JSRTables
    public let users: JSRUsers
    public let limits: JSRPublishLimits
    public let quotas: JSRQuotas
    public let scopes: JSRScopes
    public let packages: JSRPackages
    public let publishing: JSRPublishing

    public init(blobs: BlobStore, users: [RegistryUser], limits: JSRPublishLimits = JSRPublishLimits(), quotas: JSRQuotas = JSRQuotas()) throws {
        let tables = try JSRTables(blobs: blobs)
        self.tables = tables
        self.limits = limits
        self.quotas = quotas
        self.users = JSRUsers(users: users, since: try tables.since())
        scopes = JSRScopes(tables: tables, users: self.users, quotas: quotas)
        packages = JSRPackages(tables: tables, scopeRules: scopes)
        publishing = JSRPublishing(tables: tables, packageRules: packages, limits: limits)
    }

    public var blobs: BlobStore { tables.blobs }
}

/// Per-scope and per-user allowances, as jsr.io shows them in `quotas` and `scopeLimit`.
public struct JSRQuotas: Sendable, Equatable {
    public var scopesPerUser: Int
    public var packagesPerScope: Int
    public var newPackagesPerWeek: Int
    public var publishAttemptsPerWeek: Int

    public init(scopesPerUser: Int = 100, packagesPerScope: Int = 1000, newPackagesPerWeek: Int = 200, publishAttemptsPerWeek: Int = 10_000) {
        self.scopesPerUser = scopesPerUser
        self.packagesPerScope = packagesPerScope
        self.newPackagesPerWeek = newPackagesPerWeek
        self.publishAttemptsPerWeek = publishAttemptsPerWeek
    }
}
