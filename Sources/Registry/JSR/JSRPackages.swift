import Foundation
import Semver
import Storage

/// Packages and their versions: listing, settings, yanking, dependencies and dependents, and the
/// files jsr.io serves (`meta.json`, `{version}_meta.json`, module files).
public struct JSRPackages: JSRAggregate {
    let tables: JSRTables
    /// The scope checks (exists, member, admin) every package change passes.
    let scopeRules: JSRScopes
    var quotas: JSRQuotas { scopeRules.quotas }

    public enum PackageChange: Sendable {
        case description(String)
        case runtimeCompat(JSRRuntimeCompat)
        case githubRepository(JSRGitHubRepository?)
        case isArchived(Bool)
    }

    // MARK: packages

    public func createPackage(_ rawName: String, in rawScope: String, by actor: JSRActor) async throws(JSRError) -> JSRPackage {
        let scope = try JSRNames.scope(rawScope), name = try JSRNames.package(rawName)
        if let permissions = actor.permissions, !permissions.contains(where: { $0.scope == scope && ($0.package ?? name) == name }) {
            throw JSRError(.missingPermission, "this token may not create @\(scope)/\(name)")
        }
        let now = Self.now(), packages = packages, quotas = quotas
        let package = JSRPackage(
            scope: scope, name: name, description: "", runtimeCompat: JSRRuntimeCompat(), githubRepository: nil, latestVersion: nil,
            versionCount: 0, dependencyCount: 0, dependentCount: 0, isArchived: false, createdAt: now, updatedAt: now
        )
        try await write("create package @\(scope)/\(name)") { txn in
            _ = try scopeRules.requireScope(scope, in: txn)
            try scopeRules.requireMember(actor, scope: scope, in: txn)
            if try txn.contains(packages, key: Self.key(scope, name)) {
                throw JSRError(.packageAlreadyExists, "package @\(scope)/\(name) already exists")
            }
            let existing = try Self.all(JSRPackage.self, packages, prefix: Self.prefix(scope), in: txn)
            guard existing.count < quotas.packagesPerScope else {
                throw JSRError(.scopePackageLimitExceeded, "@\(scope) has reached its limit of \(quotas.packagesPerScope) packages")
            }
            let weekAgo = Self.weekAgo()
            guard existing.filter({ $0.createdAt >= weekAgo }).count < quotas.newPackagesPerWeek else {
                throw JSRError(.weeklyPackageLimitExceeded, "@\(scope) has created \(quotas.newPackagesPerWeek) packages in the last 7 days, its weekly limit")
            }
            try txn.put(packages, key: Self.key(scope, name), value: try Self.encode(package))
        }
        return package
    }

    public func package(_ rawName: String, in rawScope: String) throws(JSRError) -> JSRPackage {
        let scope = try JSRNames.scope(rawScope), name = try JSRNames.package(rawName)
        return try read("read package") { txn in try withDependentCounts([try requirePackage(scope, name, in: txn)], in: txn)[0] }
    }

    public func updatePackage(_ rawName: String, in rawScope: String, _ change: PackageChange, by actor: JSRActor) async throws(JSRError) -> JSRPackage {
        let scope = try JSRNames.scope(rawScope), name = try JSRNames.package(rawName)
        try actor.requireFullAccess("changing package settings")
        if case .description(let text) = change, text.count > 250 {
            throw JSRError(.malformedRequest, "a package description is at most 250 characters")
        }
        let packages = packages
        return try await write("update package @\(scope)/\(name)") { txn in
            var package = try self.requirePackage(scope, name, in: txn)
            switch change {
            case .description(let text):
                try scopeRules.requireMember(actor, scope: scope, in: txn)
                package.description = text
            case .runtimeCompat(let compat):
                try scopeRules.requireMember(actor, scope: scope, in: txn)
                package.runtimeCompat = compat
            case .githubRepository(let repository):
                try scopeRules.requireAdmin(actor, scope: scope, in: txn)
                package.githubRepository = repository
            case .isArchived(let archived):
                try scopeRules.requireAdmin(actor, scope: scope, in: txn)
                package.isArchived = archived
            }
            package.updatedAt = Self.now()
            try txn.put(packages, key: Self.key(scope, name), value: try Self.encode(package))
            return package
        }
    }

    public func deletePackage(_ rawName: String, in rawScope: String, by actor: JSRActor) async throws(JSRError) {
        let scope = try JSRNames.scope(rawScope), name = try JSRNames.package(rawName)
        try actor.requireFullAccess("deleting packages")
        let packages = packages, versionTasks = versionTasks, packageMeta = packageMeta
        try await write("delete package @\(scope)/\(name)") { txn in
            let package = try self.requirePackage(scope, name, in: txn)
            try scopeRules.requireAdmin(actor, scope: scope, in: txn)
            let unfinished = try Self.all(String.self, versionTasks, prefix: Self.prefix(scope, name), in: txn).contains { id in
                try Self.get(JSRPublishingTask.self, self.tasks, Self.key(id), in: txn).map { !$0.isFinished } ?? false
            }
            if package.versionCount > 0 || unfinished {
                throw JSRError(.packageNotEmpty, "@\(scope)/\(name) has published or pending versions and cannot be deleted")
            }
            _ = try txn.delete(packages, key: Self.key(scope, name))
            _ = try txn.delete(packageMeta, key: Self.key(scope, name))
        }
    }

    public func packages(_ paging: JSRPaging, query: String? = nil) throws(JSRError) -> JSRPage<JSRPackage> {
        let needle = query?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
        return try read("list packages") { txn in
            let all = try Self.all(JSRPackage.self, packages, in: txn)
            let matching = needle.isEmpty ? all : all.filter { "@\($0.scope)/\($0.name) \($0.description)".lowercased().contains(needle) }
            return paging.slice(try withDependentCounts(matching, in: txn))
        }
    }

    public func packages(in rawScope: String, _ paging: JSRPaging) throws(JSRError) -> JSRPage<JSRPackage> {
        let scope = try JSRNames.scope(rawScope)
        return try read("list packages of @\(scope)") { txn in
            _ = try scopeRules.requireScope(scope, in: txn)
            return paging.slice(try withDependentCounts(try Self.all(JSRPackage.self, packages, prefix: Self.prefix(scope), in: txn), in: txn))
        }
    }

    // MARK: versions

    /// Newest first, as jsr.io lists them.
    public func versions(of rawName: String, in rawScope: String) throws(JSRError) -> [JSRPackageVersion] {
        let scope = try JSRNames.scope(rawScope), name = try JSRNames.package(rawName)
        return try read("list versions") { txn in
            _ = try requirePackage(scope, name, in: txn)
            return Self.newestFirst(try Self.all(JSRPackageVersion.self, versions, prefix: Self.prefix(scope, name), in: txn))
        }
    }

    public func version(_ rawVersion: String, of rawName: String, in rawScope: String) throws(JSRError) -> JSRPackageVersion {
        let (scope, name, version) = try Self.coordinates(rawScope, rawName, rawVersion)
        return try read("read version") { txn in try requireVersion(scope, name, version, in: txn) }
    }

    /// Yanked versions stay downloadable but are never `latest`; only admins yank.
    public func setYanked(_ yanked: Bool, version rawVersion: String, of rawName: String, in rawScope: String, by actor: JSRActor) async throws(JSRError) -> JSRPackageVersion {
        let (scope, name, version) = try Self.coordinates(rawScope, rawName, rawVersion)
        try actor.requireFullAccess("yanking versions")
        let versions = versions
        return try await write("yank @\(scope)/\(name)@\(version)") { txn in
            var record = try self.requireVersion(scope, name, version, in: txn)
            try scopeRules.requireAdmin(actor, scope: scope, in: txn)
            record.yanked = yanked
            record.updatedAt = Self.now()
            try txn.put(versions, key: Self.key(scope, name, version), value: try Self.encode(record))
            try self.refreshPackage(scope, name, in: txn)
            return record
        }
    }

    public func dependencies(of rawVersion: String, of rawName: String, in rawScope: String) throws(JSRError) -> [JSRDependency] {
        let (scope, name, version) = try Self.coordinates(rawScope, rawName, rawVersion)
        return try read("read dependencies") { txn in
            _ = try requireVersion(scope, name, version, in: txn)
            return try Self.get([JSRDependency].self, dependencies, Self.key(scope, name, version), in: txn) ?? []
        }
    }

    /// Packages with a version that imports this one through `jsr:`, newest versions first.
    public func dependents(of rawName: String, in rawScope: String, _ paging: JSRPaging, versionsPerPackage: Int = 10) throws(JSRError) -> JSRPage<JSRDependent> {
        let scope = try JSRNames.scope(rawScope), name = try JSRNames.package(rawName)
        guard (1...10).contains(versionsPerPackage) else {
            throw JSRError(.malformedRequest, "versions_per_package_limit must be between 1 and 10, got \(versionsPerPackage)")
        }
        let grouped = try read("read dependents") { txn in
            _ = try requirePackage(scope, name, in: txn)
            return try dependentVersions(of: scope, name, in: txn)
        }
        let items = grouped.map { key, versions in
            let sorted = versions.sorted { Self.isNewer($0, than: $1) }
            return JSRDependent(scope: key.scope, package: key.name, versions: Array(sorted.prefix(versionsPerPackage)), totalVersions: sorted.count)
        }.sorted { ($0.scope, $0.package) < ($1.scope, $1.package) }
        return paging.slice(items)
    }

    public func stats() throws(JSRError) -> JSRStats {
        try read("read stats") { txn in
            let newest = try Self.all(JSRPackage.self, packages, in: txn).filter { $0.versionCount > 0 }.sorted { $0.createdAt > $1.createdAt }.prefix(10)
            let updated = try Self.all(JSRPackageVersion.self, versions, in: txn).sorted { $0.createdAt > $1.createdAt }.prefix(10)
            return JSRStats(newest: try withDependentCounts(Array(newest), in: txn), updated: Array(updated), featured: [])
        }
    }

    // MARK: served files

    /// `/@scope/name/meta.json`, kept up to date by every publish and yank.
    public func packageMetaDocument(scope rawScope: String, name rawName: String) throws(JSRError) -> [UInt8] {
        let scope = try JSRNames.scope(rawScope), name = try JSRNames.package(rawName)
        return try read("read meta.json") { txn in
            guard let bytes = try txn.get(packageMeta, key: Self.key(scope, name)) else {
                throw JSRError(.packageNotFound, "@\(scope)/\(name) has no published versions")
            }
            return bytes
        }
    }

    /// `/@scope/name/{version}_meta.json`: manifest with checksums, module graph and exports.
    public func versionMetaDocument(scope rawScope: String, name rawName: String, version rawVersion: String) throws(JSRError) -> [UInt8] {
        let (scope, name, version) = try Self.coordinates(rawScope, rawName, rawVersion)
        return try read("read _meta.json") { txn in
            guard let bytes = try txn.get(versionMeta, key: Self.key(scope, name, version)) else {
                throw JSRError(.packageVersionNotFound, "@\(scope)/\(name)@\(version) is not published")
            }
            return bytes
        }
    }

    /// A module file and, when it fits in one chunk, its bytes, read in one snapshot.
    public func file(scope rawScope: String, name rawName: String, version rawVersion: String, path: String) throws(JSRError) -> (PublishedFile, [UInt8]?)? {
        let (scope, name, version) = try Self.coordinates(rawScope, rawName, rawVersion)
        return try read("read a file") { txn in
            try PublishedFile.withBody(files, key: Self.key(scope, name, version, path), blobs: blobs, in: txn)
        }
    }

    // MARK: helpers

    static func newestFirst(_ list: [JSRPackageVersion]) -> [JSRPackageVersion] {
        list.sorted { isNewer($0.version, than: $1.version) }
    }

    /// Semver order on stored version strings (all valid: they were checked on the way in).
    static func isNewer(_ a: String, than b: String) -> Bool {
        (Version(a) ?? Version(0, 0, 0)) > (Version(b) ?? Version(0, 0, 0))
    }

    func requirePackage(_ scope: String, _ name: String, in txn: borrowing some StoreTransaction & ~Copyable) throws -> JSRPackage {
        guard let package = try Self.get(JSRPackage.self, packages, Self.key(scope, name), in: txn) else {
            _ = try scopeRules.requireScope(scope, in: txn)
            throw JSRError(.packageNotFound, "package @\(scope)/\(name) does not exist")
        }
        return package
    }

    func requireVersion(_ scope: String, _ name: String, _ version: String, in txn: borrowing some StoreTransaction & ~Copyable) throws -> JSRPackageVersion {
        guard let record = try Self.get(JSRPackageVersion.self, versions, Self.key(scope, name, version), in: txn) else {
            _ = try requirePackage(scope, name, in: txn)
            throw JSRError(.packageVersionNotFound, "@\(scope)/\(name)@\(version) is not published")
        }
        return record
    }

    /// Dependent packages of `@scope/name`, each with the versions that depend on it.
    func dependentVersions(of scope: String, _ name: String, in txn: borrowing some StoreTransaction & ~Copyable) throws -> [(key: (scope: String, name: String), value: [String])] {
        var grouped: [String: [String]] = [:]
        try txn.scan(dependents, prefix: Self.prefix("@\(scope)/\(name)")) { key, _ in
            let parts = String(decoding: key, as: UTF8.self).split(separator: "\u{0}").map(String.init)
            if parts.count == 4 { grouped["\(parts[1])\u{0}\(parts[2])", default: []].append(parts[3]) }
            return true
        }
        return grouped.map { key, versions in
            let parts = key.split(separator: "\u{0}").map(String.init)
            return (key: (scope: parts[0], name: parts[1]), value: versions)
        }
    }

    /// `dependentCount` is derived from the dependents index, in the caller's snapshot.
    private func withDependentCounts(_ list: [JSRPackage], in txn: borrowing some StoreTransaction & ~Copyable) throws -> [JSRPackage] {
        try list.map { package in
            var package = package
            package.dependentCount = try dependentVersions(of: package.scope, package.name, in: txn).count
            return package
        }
    }

    /// Recomputes `latestVersion`, `versionCount` and `dependencyCount`, and rewrites `meta.json`.
    func refreshPackage(_ scope: String, _ name: String, in txn: borrowing WriteTransaction) throws {
        var package = try requirePackage(scope, name, in: txn)
        let list = Self.newestFirst(try Self.all(JSRPackageVersion.self, versions, prefix: Self.prefix(scope, name), in: txn))
        let latest = list.first { !$0.yanked && !(Version($0.version)?.isPrerelease ?? true) }
        package.latestVersion = latest?.version
        package.versionCount = list.count
        package.dependencyCount = try latest.map { try Self.get([JSRDependency].self, dependencies, Self.key(scope, name, $0.version), in: txn)?.count ?? 0 } ?? 0
        package.updatedAt = Self.now()
        try txn.put(packages, key: Self.key(scope, name), value: try Self.encode(package))

        var document = "{\"scope\":\(JSRCoding.string(scope)),\"name\":\(JSRCoding.string(name)),\"latest\":\(latest.map { JSRCoding.string($0.version) } ?? "null"),\"versions\":{"
        document += list.map { version in
            "\(JSRCoding.string(version.version)):{\"createdAt\":\(JSRCoding.string(version.createdAt))\(version.yanked ? ",\"yanked\":true" : "")}"
        }.joined(separator: ",")
        document += "}}"
        try txn.put(packageMeta, key: Self.key(scope, name), value: Array(document.utf8))
    }
}
