import Crypto
import Foundation
import Storage
import Tarball

/// Publishing: a tarball is accepted as a `pending` task and kept in a persistent queue; the
/// publisher checks it and makes the version visible, with its files, manifest and dependency
/// records, in one transaction.
public struct JSRPublishing: JSRAggregate {
    let tables: JSRTables
    /// The package checks and index updates a publish makes, in its own transaction.
    let packageRules: JSRPackages
    public let limits: JSRPublishLimits
    var scopeRules: JSRScopes { packageRules.scopeRules }
    var quotas: JSRQuotas { scopeRules.quotas }

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

    /// Accepts a tarball for `@scope/name@version` and queues it. Rejections that need no unpacking
    /// (names, rights, a duplicate version, size) are answered at once.
    public func enqueuePublish(
        scope rawScope: String, name rawName: String, version rawVersion: String, configPath: String, tarball: [UInt8], by actor: JSRActor
    ) async throws(JSRError) -> JSRPublishingTask {
        let (scope, name, version) = try Self.coordinates(rawScope, rawName, rawVersion)
        guard configPath.hasPrefix("/"), configPath.count > 1 else {
            throw JSRError(.malformedRequest, "the config query parameter must name the config file, such as /jsr.json")
        }
        guard tarball.count <= limits.maxTarballSize else {
            throw JSRError(.tarballSizeLimitExceeded, "the tarball is \(tarball.count) bytes; the limit is \(limits.maxTarballSize)")
        }
        if actor.permissions != nil {
            try actor.requirePublish(scope: scope, package: name, version: version, tarballHash: "sha256-" + Hex.encode(Array(SHA256.hash(data: tarball))))
        }

        let now = Self.now()
        let task = JSRPublishingTask(
            id: UUID().uuidString.lowercased(), status: .pending, error: nil, userId: actor.id,
            packageScope: scope, packageName: name, packageVersion: version, createdAt: now, updatedAt: now
        )
        let blobs = blobs, tasks = tasks, queue = queue, versionTasks = versionTasks, versions = versions
        let weeklyAttempts = quotas.publishAttemptsPerWeek
        do {
            try await StagedBlob.withStaged([tarball], in: blobs) { staged in
                try await write("queue @\(scope)/\(name)@\(version)") { txn in
                    let record = try scopeRules.requireScope(scope, in: txn)
                    try scopeRules.requireMember(actor, scope: scope, in: txn)
                    if record.requirePublishingFromCI {
                        throw JSRError(.actorNotAuthorized, "@\(scope) requires publishing from CI (GitHub Actions OIDC), which this registry does not offer; an admin can turn requirePublishingFromCI off")
                    }
                    let package = try packageRules.requirePackage(scope, name, in: txn)
                    guard try scopeRules.publishAttempts(in: scope, since: Self.weekAgo(), in: txn) < weeklyAttempts else {
                        throw JSRError(.weeklyPublishAttemptsLimitExceeded, "@\(scope) has made \(weeklyAttempts) publish attempts in the last 7 days, its weekly limit")
                    }
                    if package.isArchived { throw JSRError(.malformedRequest, "@\(scope)/\(name) is archived; unarchive it to publish") }
                    if let previous = try Self.get(String.self, versionTasks, Self.key(scope, name, version), in: txn),
                       let earlier = try Self.get(JSRPublishingTask.self, tasks, Self.key(previous), in: txn), earlier.status != .failure {
                        throw JSRError(.duplicateVersionPublish, "@\(scope)/\(name)@\(version) has already been published or is being published", task: earlier)
                    }
                    if try txn.contains(versions, key: Self.key(scope, name, version)) {
                        throw JSRError(.duplicateVersionPublish, "@\(scope)/\(name)@\(version) has already been published")
                    }
                    let ref = try staged[0].commit(to: blobs, in: txn)
                    try txn.put(tasks, key: Self.key(task.id), value: try Self.encode(task))
                    try txn.put(versionTasks, key: Self.key(scope, name, version), value: try Self.encode(task.id))
                    let queued = QueuedPublish(taskId: task.id, configPath: configPath, tarball: StoredBlob(ref))
                    try txn.put(queue, key: Self.key(task.createdAt, task.id), value: try Self.encode(queued))
                }
            }
        } catch let error as JSRError {
            throw error
        } catch {
            throw JSRError.storage("store the tarball", error)
        }
        return task
    }

    public func task(_ id: String) throws(JSRError) -> JSRPublishingTask {
        let task = try read("read task") { txn in try Self.get(JSRPublishingTask.self, tasks, Self.key(id.lowercased()), in: txn) }
        guard let task else { throw JSRError(.publishNotFound, "no publishing task has the id \(id)") }
        return task
    }

    /// Ids of queued tasks, oldest first: what the publisher works through (also after a restart).
    public func queuedTaskIds() throws(JSRError) -> [String] {
        try read("read the queue") { txn in try Self.all(QueuedPublish.self, queue, in: txn).map(\.taskId) }
    }

    /// Takes a queued task to `success` or `failure`. Safe to repeat after a crash: the version
    /// commit and the queue removal are one transaction.
    public func process(taskId: String) async throws(JSRError) -> JSRPublishingTask {
        let found = try read("read the queue") { txn -> ([UInt8], QueuedPublish, JSRPublishingTask)? in
            guard let task = try Self.get(JSRPublishingTask.self, tasks, Self.key(taskId), in: txn) else { return nil }
            let key = Self.key(task.createdAt, task.id)
            guard let queued = try Self.get(QueuedPublish.self, queue, key, in: txn) else { return nil }
            return (key, queued, task)
        }
        guard let (queueKey, queued, task) = found else { throw JSRError(.publishNotFound, "task \(taskId) is not queued") }
        _ = try await updateTask(task.id) { $0.status = .processing }

        let outcome: Result<PreparedVersion, JSRTaskError>
        do {
            let tarball = try blobs.readAll(try queued.tarball.ref())
            outcome = .success(try prepare(task, tarball: tarball, configPath: queued.configPath))
        } catch let error as JSRTaskError {
            outcome = .failure(error)
        } catch {
            throw JSRError.storage("read the queued tarball", error)
        }
        switch outcome {
        case .success(let prepared):
            do {
                return try await commit(prepared, task: task, queueKey: queueKey, tarball: try queued.tarball.ref())
            } catch let error as JSRTaskError {
                return try await fail(task, queueKey: queueKey, tarball: queued.tarball, error)
            } catch {
                throw JSRError.storage("publish @\(task.packageScope)/\(task.packageName)@\(task.packageVersion)", error)
            }
        case .failure(let error):
            return try await fail(task, queueKey: queueKey, tarball: queued.tarball, error)
        }
    }

    /// A checked version ready to commit.
    struct PreparedVersion: Sendable {
        var files: [(path: String, bytes: [UInt8])]
        var dependencies: [JSRDependency]
        var metaDocument: [UInt8]
    }

    private func prepare(_ task: JSRPublishingTask, tarball: [UInt8], configPath: String) throws(JSRTaskError) -> PreparedVersion {
        // jsr.io takes a gzipped tar only (the upload says `Content-Encoding: gzip`).
        guard tarball.count >= 2, tarball[0] == 0x1F, tarball[1] == 0x8B else {
            throw JSRTaskError("invalidTarball", "the tarball is not gzip-compressed; JSR takes a gzipped tar")
        }
        let archive: TarArchive
        do {
            archive = try TarballReader(limits: limits.tar).readArchive(tarball)
        } catch {
            switch error {
            case .tooLarge(let reason): throw JSRTaskError("packageTooLarge", reason)
            case .unsafePath(let path): throw JSRTaskError("invalidPath", "the path '\(path)' is not allowed in a package")
            case .notATar, .corrupt: throw JSRTaskError("invalidTarball", "the tarball could not be read: \(error)")
            }
        }
        let contents = try JSRPackageRules.check(
            archive: archive, configPath: configPath, scope: task.packageScope, name: task.packageName, version: task.packageVersion, limits: limits.package
        )
        let (graph, dependencies) = try JSRModuleAnalysis.analyse(contents.files, roots: contents.exportPaths)
        return PreparedVersion(files: contents.files, dependencies: dependencies, metaDocument: Self.metaDocument(contents, graph: graph))
    }

    /// `_meta.json`: `manifest` (size and sha256 per file), `moduleGraph2`, and `exports` in config order.
    static func metaDocument(_ contents: JSRPackageContents, graph: [String: JSRModuleInfo]) -> [UInt8] {
        var manifest: [String: [String: ManifestValue]] = [:]
        for file in contents.files {
            manifest[file.path] = ["size": .int(file.bytes.count), "checksum": .string("sha256-" + Hex.encode(Array(SHA256.hash(data: file.bytes))))]
        }
        let exports = contents.exports.map { "\(JSRCoding.string($0.key)):\(JSRCoding.string($0.target))" }.joined(separator: ",")
        let manifestJSON = String(decoding: (try? encode(manifest)) ?? [], as: UTF8.self)
        let graphJSON = String(decoding: (try? encode(graph)) ?? [], as: UTF8.self)
        return Array("{\"manifest\":\(manifestJSON),\"moduleGraph2\":\(graphJSON),\"exports\":{\(exports)}}".utf8)
    }

    enum ManifestValue: Encodable {
        case int(Int)
        case string(String)
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .int(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            }
        }
    }

    private func commit(_ prepared: PreparedVersion, task: JSRPublishingTask, queueKey: [UInt8], tarball: BlobRef) async throws -> JSRPublishingTask {
        let scope = task.packageScope, name = task.packageName, version = task.packageVersion
        let paths = prepared.files.map(\.path)
        let blobs = blobs, files = files, versions = versions, versionMeta = versionMeta, dependencies = dependencies
        let dependents = dependents, queue = queue, tasks = tasks
        let usesNpm = prepared.dependencies.contains { $0.kind == .npm }
        return try await StagedBlob.withStaged(prepared.files.map(\.bytes), in: blobs) { bodies in
            try await environment.write(durable: true) { txn in
                if try txn.contains(versions, key: Self.key(scope, name, version)) {
                    throw JSRTaskError("duplicateVersionPublish", "@\(scope)/\(name)@\(version) was published by another task")
                }
                _ = try packageRules.requirePackage(scope, name, in: txn)
                for (path, body) in zip(paths, bodies) {
                    let ref = try body.commit(to: blobs, in: txn)
                    let stored = PublishedFile(blob: ref, mimeType: MediaType.forPath(path))
                    try txn.put(files, key: Self.key(scope, name, version, path), value: stored.encoded())
                }
                let now = Self.now()
                let record = JSRPackageVersion(scope: scope, package: name, version: version, yanked: false, usesNpm: usesNpm, createdAt: now, updatedAt: now)
                try txn.put(versions, key: Self.key(scope, name, version), value: try Self.encode(record))
                try txn.put(versionMeta, key: Self.key(scope, name, version), value: prepared.metaDocument)
                try txn.put(dependencies, key: Self.key(scope, name, version), value: try Self.encode(prepared.dependencies))
                for dependency in prepared.dependencies where dependency.kind == .jsr {
                    try txn.put(dependents, key: Self.key(dependency.name, scope, name, version), value: [])
                }
                try packageRules.refreshPackage(scope, name, in: txn)
                var finished = task
                finished.status = .success
                finished.updatedAt = now
                try txn.put(tasks, key: Self.key(task.id), value: try Self.encode(finished))
                _ = try txn.delete(queue, key: queueKey)
                try blobs.release(tarball, in: txn)
                return finished
            }
        }
    }

    private func fail(_ task: JSRPublishingTask, queueKey: [UInt8], tarball: StoredBlob, _ error: JSRTaskError) async throws(JSRError) -> JSRPublishingTask {
        let blobs = blobs, queue = queue, tasks = tasks
        return try await write("record the failure of task \(task.id)") { txn in
            var failed = task
            failed.status = .failure
            failed.error = error
            failed.updatedAt = Self.now()
            try txn.put(tasks, key: Self.key(task.id), value: try Self.encode(failed))
            if try txn.delete(queue, key: queueKey) { try blobs.release(try tarball.ref(), in: txn) }
            return failed
        }
    }

    private func updateTask(_ id: String, _ change: @escaping @Sendable (inout JSRPublishingTask) -> Void) async throws(JSRError) -> JSRPublishingTask {
        let tasks = tasks
        return try await write("update task \(id)") { txn in
            guard var task = try Self.get(JSRPublishingTask.self, tasks, Self.key(id), in: txn) else {
                throw JSRError(.publishNotFound, "no publishing task has the id \(id)")
            }
            change(&task)
            task.updatedAt = Self.now()
            try txn.put(tasks, key: Self.key(id), value: try Self.encode(task))
            return task
        }
    }
}

/// Registry-wide upload limits for JSR: the tarball as sent, and what it may unpack to.
public struct JSRPublishLimits: Sendable, Equatable {
    public var maxTarballSize: Int
    public var package: JSRLimits
    public var tar: TarLimits { TarLimits(maxCompressedSize: maxTarballSize, maxUncompressedSize: package.maxPackageSize * 2, maxEntries: package.maxFiles * 2) }

    public init(maxTarballSize: Int = 20_000_000, package: JSRLimits = JSRLimits()) {
        self.maxTarballSize = maxTarballSize
        self.package = package
    }
}
