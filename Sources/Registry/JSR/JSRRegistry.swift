import Foundation
import Storage

/// The JSR registry over Wharf's store: scopes, members, invites, packages, versions and their
/// files, publishing tasks and tokens. Every change is one write transaction, so a version appears
/// with its files, manifest and dependency records at once, and concurrent changes cannot both win.
public final class JSRRegistry: Sendable {
    public let blobs: BlobStore
    public let users: JSRUsers
    public let limits: JSRPublishLimits
    public let quotas: JSRQuotas

    let scopes: Table            // scope → JSRScopeRecord
    let members: Table           // scope ␀ userId → MemberRecord
    let invites: Table           // scope ␀ userId → InviteRecord
    let packages: Table          // scope ␀ name → JSRPackage
    let versions: Table          // scope ␀ name ␀ version → JSRPackageVersion
    let files: Table             // scope ␀ name ␀ version ␀ /path → PublishedFile
    let versionMeta: Table       // scope ␀ name ␀ version → `_meta.json` bytes
    let packageMeta: Table       // scope ␀ name → `meta.json` bytes, rewritten with each change
    let dependencies: Table      // scope ␀ name ␀ version → [JSRDependency]
    let dependents: Table        // @dep/name ␀ scope ␀ name ␀ version → ""
    let tasks: Table             // task id → JSRPublishingTask
    let queue: Table             // createdAt ␀ task id → QueuedPublish
    let versionTasks: Table      // scope ␀ name ␀ version → the id of its newest task

    public init(blobs: BlobStore, users: [RegistryUser], limits: JSRPublishLimits = JSRPublishLimits(), quotas: JSRQuotas = JSRQuotas()) throws {
        self.blobs = blobs
        self.limits = limits
        self.quotas = quotas
        let environment = blobs.environment
        scopes = try environment.table("jsr.scopes")
        members = try environment.table("jsr.members")
        invites = try environment.table("jsr.invites")
        packages = try environment.table("jsr.packages")
        versions = try environment.table("jsr.versions")
        files = try environment.table("jsr.files")
        versionMeta = try environment.table("jsr.version_meta")
        packageMeta = try environment.table("jsr.package_meta")
        dependencies = try environment.table("jsr.dependencies")
        dependents = try environment.table("jsr.dependents")
        tasks = try environment.table("jsr.tasks")
        queue = try environment.table("jsr.queue")
        versionTasks = try environment.table("jsr.version_tasks")
        let meta = try environment.table("meta")
        let sinceKey = StoreKey.make("jsr.since")
        let since = try environment.writeNow(durable: true) { txn in
            if let stored = try txn.get(meta, key: sinceKey) { return String(decoding: stored, as: UTF8.self) }
            let now = JSRTime.format(Date())
            try txn.put(meta, key: sinceKey, value: Array(now.utf8))
            return now
        }
        self.users = JSRUsers(users: users, since: since)
    }

    var environment: StoreEnvironment { blobs.environment }

    // MARK: stored records that are not API shapes

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

    /// A tarball waiting for the publisher: it survives restarts in the store.
    struct QueuedPublish: Codable, Sendable {
        var taskId: String
        var configPath: String
        var tarball: StoredBlob
    }

    /// A blob reference in a JSON record.
    struct StoredBlob: Codable, Sendable {
        var encoded: [UInt8]
        init(_ ref: BlobRef) {
            var writer = ByteWriter()
            ref.encode(into: &writer)
            encoded = writer.bytes
        }
        func ref() throws -> BlobRef {
            try encoded.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                return try BlobRef.decode(from: &reader)
            }
        }
    }

    // MARK: helpers

    /// Keys join their parts with NUL, which no name, version or path contains.
    static func key(_ parts: String...) -> [UInt8] { key(parts) }
    static func key(_ parts: [String]) -> [UInt8] { StoreKey.make(parts.joined(separator: "\u{0}")) }
    static func prefix(_ parts: String...) -> [UInt8] { Array((parts.joined(separator: "\u{0}") + "\u{0}").utf8) }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ raw: UnsafeRawBufferPointer) throws -> T {
        try JSONDecoder().decode(type, from: Data(raw))
    }

    static func get<T: Decodable>(_ type: T.Type, _ table: Table, _ key: [UInt8], in txn: borrowing some StoreTransaction & ~Copyable) throws -> T? {
        try txn.withValue(table, key: key) { try decode(type, $0) }
    }

    /// Every record under `prefix`, decoded.
    static func all<T: Decodable>(_ type: T.Type, _ table: Table, prefix: [UInt8] = [], in txn: borrowing some StoreTransaction & ~Copyable) throws -> [T] {
        var found: [T] = []
        try txn.scan(table, prefix: prefix) { _, value in
            found.append(try decode(type, value))
            return true
        }
        return found
    }

    func read<T>(_ action: String, _ body: (borrowing ReadTransaction) throws -> T) throws(JSRError) -> T {
        do {
            return try environment.read(body)
        } catch {
            throw JSRError.storage(action, error)
        }
    }

    func write<T: Sendable>(_ action: String, _ body: @escaping @Sendable (borrowing WriteTransaction) throws -> T) async throws(JSRError) -> T {
        do {
            return try await environment.write(durable: true, body)
        } catch {
            throw JSRError.storage(action, error)
        }
    }

    static func now() -> String { JSRTime.format(Date()) }
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
