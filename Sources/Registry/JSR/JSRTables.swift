import Foundation
import Storage

/// The tables of the JSR registry, shared by its aggregates (scopes, packages, publishing,
/// authorizations). Each aggregate changes them only in its own write transactions.
public final class JSRTables: Sendable {
    public let blobs: BlobStore
    let scopes: Table            // scope → ScopeRecord
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
    let authorizations: Table    // sha256(exchange token) → JSRAuthorizations.Pending
    let codes: Table             // code → sha256(exchange token)
    let tokens: Table            // sha256(token) → JSRAuthorizations.StoredToken

    init(blobs: BlobStore) throws {
        self.blobs = blobs
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
        authorizations = try environment.table("jsr.authorizations")
        codes = try environment.table("jsr.authorization_codes")
        tokens = try environment.table("jsr.tokens")
    }

    var environment: StoreEnvironment { blobs.environment }

    /// When the registry was first opened: the creation time of users, who live in proxy.conf.
    func since() throws -> String {
        let meta = try environment.table("meta")
        let sinceKey = StoreKey.make("jsr.since")
        return try environment.writeNow(durable: true) { txn in
            if let stored = try txn.get(meta, key: sinceKey) { return String(decoding: stored, as: UTF8.self) }
            let now = JSRTime.format(Date())
            try txn.put(meta, key: sinceKey, value: Array(now.utf8))
            return now
        }
    }
}

/// An aggregate of the JSR registry: its tables, keys, codecs and transactions, in one vocabulary.
protocol JSRAggregate: Sendable {
    var tables: JSRTables { get }
}

extension JSRAggregate {
    var blobs: BlobStore { tables.blobs }
    var environment: StoreEnvironment { tables.environment }
    var scopes: Table { tables.scopes }
    var members: Table { tables.members }
    var invites: Table { tables.invites }
    var packages: Table { tables.packages }
    var versions: Table { tables.versions }
    var files: Table { tables.files }
    var versionMeta: Table { tables.versionMeta }
    var packageMeta: Table { tables.packageMeta }
    var dependencies: Table { tables.dependencies }
    var dependents: Table { tables.dependents }
    var tasks: Table { tables.tasks }
    var queue: Table { tables.queue }
    var versionTasks: Table { tables.versionTasks }

    /// Keys join their parts with NUL, which no name, version or path contains.
    static func key(_ parts: String...) -> [UInt8] { key(parts) }
    static func key(_ parts: [String]) -> [UInt8] { StoreKey.make(parts.joined(separator: "\u{0}")) }
    static func prefix(_ parts: String...) -> [UInt8] { Array((parts.joined(separator: "\u{0}") + "\u{0}").utf8) }

    static func encode(_ value: some Encodable) throws -> [UInt8] { try JSRCoding.encode(value) }

    static func get<T: Decodable>(_ type: T.Type, _ table: Table, _ key: [UInt8], in txn: borrowing some StoreTransaction & ~Copyable) throws -> T? {
        try txn.withValue(table, key: key) { try JSRCoding.decode(type, $0) }
    }

    /// Every record under `prefix`, decoded.
    static func all<T: Decodable>(_ type: T.Type, _ table: Table, prefix: [UInt8] = [], in txn: borrowing some StoreTransaction & ~Copyable) throws -> [T] {
        var found: [T] = []
        try txn.scan(table, prefix: prefix) { _, value in
            found.append(try JSRCoding.decode(type, value))
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

    /// Every JSR change is durable when it returns: clients are told it is done.
    func write<T: Sendable>(_ action: String, _ body: @escaping @Sendable (borrowing WriteTransaction) throws -> T) async throws(JSRError) -> T {
        do {
            return try await environment.write(durable: true, body)
        } catch {
            throw JSRError.storage(action, error)
        }
    }

    static func now() -> String { JSRTime.format(Date()) }

    /// The start of the week the weekly quotas count (jsr.io's are rolling 7-day windows).
    static func weekAgo() -> String { JSRTime.format(Date().addingTimeInterval(-7 * 86400)) }

    static func coordinates(_ rawScope: String, _ rawName: String, _ rawVersion: String) throws(JSRError) -> (String, String, String) {
        (try JSRNames.scope(rawScope), try JSRNames.package(rawName), try JSRNames.version(rawVersion).description)
    }
}

/// How JSR records are written in the store: sorted keys, so equal records are equal bytes.
enum JSRCoding {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ raw: UnsafeRawBufferPointer) throws -> T {
        try JSONDecoder().decode(type, from: Data(raw))
    }

    /// A JSON string literal, for documents assembled by hand.
    static func string(_ text: String) -> String {
        String(decoding: (try? encode(text)) ?? Array("\"\"".utf8), as: UTF8.self)
    }
}
