import Foundation

// The JSON shapes of the JSR API (jsr.io's `Api*` types): camelCase, RFC 3339 times. Records the
// registry stores are these same values, so what a client reads is what was written.

/// A user as other users see them (inside members, invites and `/api/users/{id}`).
public struct JSRUserSummary: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var avatarUrl: String
    public var githubId: Int?
    public var createdAt: String
    public var updatedAt: String
}

/// The signed-in user (`/api/user`, the device-flow exchange).
public struct JSRUser: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String?
    public var avatarUrl: String
    public var githubId: Int?
    public var isBlocked: Bool
    public var isStaff: Bool
    public var scopeUsage: Int
    public var scopeLimit: Int
    public var inviteCount: Int
    public var createdAt: String
    public var updatedAt: String
}

public struct JSRScopeQuotas: Codable, Sendable, Equatable {
    public var packageUsage: Int
    public var packageLimit: Int
    public var newPackagePerWeekUsage: Int
    public var newPackagePerWeekLimit: Int
    public var publishAttemptsPerWeekUsage: Int
    public var publishAttemptsPerWeekLimit: Int
}

/// A scope; `creator`, `quotas` and the settings are shown to its admins only, as on jsr.io.
public struct JSRScope: Codable, Sendable, Equatable {
    public var scope: String
    public var description: String?
    public var creator: JSRUserSummary?
    public var quotas: JSRScopeQuotas?
    public var ghActionsVerifyActor: Bool?
    public var requirePublishingFromCI: Bool?
    public var createdAt: String
    public var updatedAt: String
}

public struct JSRScopeMember: Codable, Sendable, Equatable {
    public var scope: String
    public var user: JSRUserSummary
    public var isAdmin: Bool
    public var createdAt: String
    public var updatedAt: String
}

public struct JSRScopeInvite: Codable, Sendable, Equatable {
    public var scope: String
    public var targetUser: JSRUserSummary
    public var requestingUser: JSRUserSummary
    public var createdAt: String
    public var updatedAt: String
}

public struct JSRRuntimeCompat: Codable, Sendable, Equatable {
    public var browser: Bool?
    public var deno: Bool?
    public var node: Bool?
    public var workerd: Bool?
    public var bun: Bool?
}

public struct JSRGitHubRepository: Codable, Sendable, Equatable {
    public var owner: String
    public var name: String
}

public struct JSRPackage: Codable, Sendable, Equatable {
    public var scope: String
    public var name: String
    public var description: String
    public var runtimeCompat: JSRRuntimeCompat
    public var githubRepository: JSRGitHubRepository?
    public var latestVersion: String?
    public var versionCount: Int
    public var dependencyCount: Int
    public var dependentCount: Int
    public var isArchived: Bool
    public var createdAt: String
    public var updatedAt: String
}

public struct JSRPackageVersion: Codable, Sendable, Equatable {
    public var scope: String
    public var package: String
    public var version: String
    public var yanked: Bool
    public var usesNpm: Bool
    public var createdAt: String
    public var updatedAt: String
}

/// A package that depends on another, with the versions that do (`…/dependents`).
public struct JSRDependent: Codable, Sendable, Equatable {
    public var scope: String
    public var package: String
    public var versions: [String]
    public var totalVersions: Int
}

public struct JSRStats: Codable, Sendable, Equatable {
    public var newest: [JSRPackage]
    public var updated: [JSRPackageVersion]
    public var featured: [JSRPackage]
}

/// One page of a list: `{"items": [...], "total": N}`.
public struct JSRPage<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    public var total: Int
}

/// Which page of a list to answer: `page` ≥ 1 and `limit` 1–100, as jsr.io validates them.
public struct JSRPaging: Sendable, Equatable {
    public var page: Int
    public var limit: Int

    public init(page: Int = 1, limit: Int = 20) throws(JSRError) {
        guard page >= 1 else { throw JSRError(.malformedRequest, "page must be 1 or more, got \(page)") }
        guard (1...100).contains(limit) else { throw JSRError(.malformedRequest, "limit must be between 1 and 100, got \(limit)") }
        self.page = page
        self.limit = limit
    }

    /// A page past the end is empty; `(page - 1) * limit` may overflow for a client's page, so
    /// an overflow means past the end too.
    package func slice<T: Codable & Sendable>(_ all: [T]) -> JSRPage<T> {
        let (skip, overflow) = (page - 1).multipliedReportingOverflow(by: limit)
        let start = overflow ? all.count : min(skip, all.count)
        return JSRPage(items: Array(all[start..<min(start + limit, all.count)]), total: all.count)
    }
}

/// A publishing task: created `pending` when the tarball arrives, then `processing`, then
/// `success` or `failure` (with `error`).
public struct JSRPublishingTask: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case pending, processing, processed, success, failure }
    public var id: String
    public var status: Status
    public var error: JSRTaskError?
    public var userId: String
    public var packageScope: String
    public var packageName: String
    public var packageVersion: String
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, status, error, userId, packageScope, packageName, packageVersion, createdAt, updatedAt
    }

    /// `error` is written as `null` until there is one, as jsr.io does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
        try container.encode(userId, forKey: .userId)
        try container.encode(packageScope, forKey: .packageScope)
        try container.encode(packageName, forKey: .packageName)
        try container.encode(packageVersion, forKey: .packageVersion)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    public var isFinished: Bool { status == .success || status == .failure }
}

/// What a token may do: nil permissions mean everything its user may do; otherwise only publishing
/// to the named scope (and package, and version, and tarball: `deno publish` names the sha256 of the
/// tarball it is about to send, so the token cannot publish anything else).
public struct JSRPermission: Codable, Sendable, Equatable {
    public var permission: String
    public var scope: String
    public var package: String?
    public var version: String?
    public var tarballHash: String?

    public init(permission: String = "package/publish", scope: String, package: String? = nil, version: String? = nil, tarballHash: String? = nil) {
        self.permission = permission
        self.scope = scope
        self.package = package
        self.version = version
        self.tarballHash = tarballHash
    }

    func allows(scope: String, package: String, version: String, tarballHash: String) -> Bool {
        permission == "package/publish" && self.scope == scope
            && (self.package.map { $0 == package } ?? true) && (self.version.map { $0 == version } ?? true)
            && (self.tarballHash.map { $0.lowercased() == tarballHash } ?? true)
    }
}

public struct JSRAuthorizationStart: Codable, Sendable, Equatable {
    public var verificationUrl: String
    public var code: String
    public var exchangeToken: String
    public var pollInterval: Int
    public var expiresAt: String
}

public struct JSRAuthorizationDetails: Codable, Sendable, Equatable {
    public var code: String
    public var permissions: [JSRPermission]?
    public var expiresAt: String
}

public struct JSRExchangeResult: Codable, Sendable, Equatable {
    public var token: String
    public var user: JSRUser
}

/// A personal or device token as its owner lists it (never the secret itself).
public struct JSRToken: Codable, Sendable, Equatable {
    public var id: String
    public var description: String
    public var userId: String
    public var type: String
    public var permissions: [JSRPermission]?
    public var expiresAt: String?
    public var createdAt: String
}

/// RFC 3339 times with milliseconds in UTC, so they also sort as strings.
public enum JSRTime {
    public static func format(_ date: Date) -> String {
        formatter().string(from: date)
    }

    /// RFC 3339, with or without fractional seconds (`2099-01-01T00:00:00Z` is as valid as `…00.000Z`).
    public static func parse(_ text: String) -> Date? {
        formatter().date(from: text) ?? formatter(fractions: false).date(from: text)
    }

    /// A fresh formatter each time: Foundation's formatters are not Sendable.
    private static func formatter(fractions: Bool = true) -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = fractions ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter
    }
}
