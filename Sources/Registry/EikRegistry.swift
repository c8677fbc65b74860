import Foundation
import JSON
import Semver
import Storage
import Tarball

/// The Eik registry over Wharf's store. Every change to a package (its version record, files and
/// versions list) happens in one write transaction, so readers never see half a version and
/// concurrent publishes of one version cannot both win.
public final class EikRegistry: Sendable {
    public let blobs: BlobStore
    public let limits: RegistryLimits
    let versions: Table   // type ␀ name ␀ version → EikVersion (JSON)
    let files: Table      // type ␀ name ␀ version ␀ /path → PublishedFile
    let lists: Table      // type ␀ name → [EikVersionEntry] (JSON)
    let aliases: Table    // type ␀ name ␀ major → version

    public init(blobs: BlobStore, limits: RegistryLimits = RegistryLimits()) throws {
        self.blobs = blobs
        self.limits = limits
        let environment = blobs.environment
        versions = try environment.table("eik.versions")
        files = try environment.table("eik.files")
        lists = try environment.table("eik.lists")
        aliases = try environment.table("eik.aliases")
    }

    var environment: StoreEnvironment { blobs.environment }

    // MARK: validation

    /// A strict semver version (`1.2.3`, `1.0.0-rc.1`), or a 400.
    public static func version(_ raw: String) throws(RegistryError) -> Version {
        guard let version = Version(raw) else {
            throw RegistryError(.invalid, "invalid version '\(raw)': a full semver version such as 1.2.3 is required")
        }
        return version
    }

    /// An alias major: digits only.
    public static func major(_ raw: String) throws(RegistryError) -> UInt64 {
        guard !raw.isEmpty, raw.count <= 15, raw.allSatisfy({ $0.isASCII && $0.isNumber }), let major = UInt64(raw) else {
            throw RegistryError(.invalid, "invalid alias 'v\(raw)': an alias is v followed by a major version number")
        }
        return major
    }

    // MARK: publishing

    /// One file of a version being published, as read from its archive.
    public struct IncomingFile: Sendable {
        public var path: String
        public var bytes: [UInt8]
        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// Unpacks `archive` (a tar or tar.gz, within `limits`) and publishes its files as
    /// `type/name/version`; an archive that is not one, is broken or too large publishes nothing.
    public func publish(
        type: EikType, name: PackageName, version: Version, archive: [UInt8], author: EikAuthor, now: Date = Date()
    ) async throws(RegistryError) -> EikVersion {
        let entries: [TarEntry]
        do {
            entries = try TarballReader(limits: limits.tar, stripSingleTopFolder: false).read(archive)
        } catch {
            let kind: RegistryError.Kind = switch error {
            case .notATar: .unsupportedMedia
            case .corrupt, .unsafePath: .unprocessable
            case .tooLarge: .tooLarge
            }
            throw RegistryError(kind, error.description)
        }
        let files = entries.map { IncomingFile(path: "/" + $0.path, bytes: $0.bytes) }
        return try await publish(type: type, name: name, version: version, files: files, author: author, now: now)
    }

    /// Publishes `files` as `type/name/version`. The bytes go to the store first (invisible), then
    /// one transaction checks for conflicts and makes everything visible at once.
    public func publish(
        type: EikType, name: PackageName, version: Version, files incoming: [IncomingFile], author: EikAuthor, now: Date = Date()
    ) async throws(RegistryError) -> EikVersion {
        let versionText = version.description
        let manifest = try Self.eikJSON(name: name, version: versionText, type: type)
        var all = incoming.filter { $0.path != "/eik.json" }
        all.append(IncomingFile(path: "/eik.json", bytes: manifest))
        all.sort { $0.path < $1.path }
        if try exists(type: type, name: name, version: versionText) {
            throw RegistryError(.conflict, "\(type.rawValue)/\(name)/\(versionText) exists already")
        }

        let described = all.map { Self.describe($0, type: type) }
        let record = EikVersion(
            integrity: Integrity.ofFiles(described.map(\.integrity)), version: versionText, created: Int(now.timeIntervalSince1970),
            author: author, type: type, name: name.value, org: "local", files: described, meta: []
        )
        do {
            try await StagedBlob.withStaged(all.map(\.bytes), in: blobs) { bodies in
                try await commit(record, files: Array(zip(described, bodies)), version: version)
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.storage, "could not write \(type.rawValue)/\(name)/\(versionText): \(error)")
        }
        return record
    }

    /// Publishes an import map (`PUT /map/name/version`): the JSON is kept byte for byte.
    public func publishMap(name: PackageName, version: Version, json: [UInt8], author: EikAuthor, now: Date = Date()) async throws(RegistryError) -> EikVersion {
        guard case .object? = try? JSONValue.parse(json) else {
            throw RegistryError(.unsupportedMedia, "the map field must be a JSON import map (an object)")
        }
        return try await publish(type: .map, name: name, version: version, files: [IncomingFile(path: "/import-map.json", bytes: json)], author: author, now: now)
    }

    private func commit(_ record: EikVersion, files: [(EikFile, StagedBlob)], version: Version) async throws(RegistryError) {
        let type = record.type, name = record.name
        let versionKey = Self.key(type, name, record.version)
        let listKey = Self.key(type, name)
        let blobs = blobs, versions = versions, fileTable = self.files, lists = lists
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            try await environment.write(durable: true) { txn in
                if try txn.contains(versions, key: versionKey) {
                    throw RegistryError(.conflict, "\(type.rawValue)/\(name)/\(record.version) exists already")
                }
                var list = try txn.withValue(lists, key: listKey) { try JSONDecoder().decode([EikVersionEntry].self, from: Data($0)) } ?? []
                let sameMajor = list.compactMap { Version($0.version) }.filter { $0.major == version.major }
                if let latest = sameMajor.max(), version <= latest {
                    throw RegistryError(.conflict, "\(type.rawValue)/\(name): \(version) is not newer than \(latest), the latest of major \(version.major)")
                }
                for (file, body) in files {
                    let ref = try body.commit(to: blobs, in: txn)
                    let stored = PublishedFile(blob: ref, mimeType: file.mimeType)
                    try txn.put(fileTable, key: Self.key(type, name, record.version, file.pathname), value: stored.encoded())
                }
                try txn.put(versions, key: versionKey, value: Array(try encoder.encode(record)))
                list.append(EikVersionEntry(version: record.version, integrity: record.integrity))
                try txn.put(lists, key: listKey, value: Array(try encoder.encode(list)))
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.storage, "could not publish \(type.rawValue)/\(name)/\(record.version): \(error)")
        }
    }

    private static func describe(_ file: IncomingFile, type: EikType) -> EikFile {
        EikFile(
            integrity: Integrity.sha512(file.bytes), pathname: file.path,
            mimeType: Self.eikMimeType(file.path), type: type, size: file.bytes.count
        )
    }

    /// Eik's mime types: the store's, without parameters, and JavaScript as `text/javascript`.
    static func eikMimeType(_ path: String) -> String {
        let full = MediaType.forPath(path)
        let bare = String(full.prefix { $0 != ";" })
        return bare == "application/javascript" ? "text/javascript" : bare
    }

    /// The `eik.json` the server writes into every version.
    static func eikJSON(name: PackageName, version: String, type: EikType) throws(RegistryError) -> [UInt8] {
        let document = JSONValue.object([("name", .string(name.value)), ("type", .string(type.rawValue)), ("version", .string(version))])
        return Array(document.serialized(indent: 2).utf8)
    }

    // MARK: reading

    public func exists(type: EikType, name: PackageName, version: String) throws(RegistryError) -> Bool {
        try read { [versions] txn in try txn.contains(versions, key: Self.key(type, name.value, version)) }
    }

    public func version(type: EikType, name: PackageName, version: String) throws(RegistryError) -> EikVersion? {
        try read { [versions] txn in
            try txn.withValue(versions, key: Self.key(type, name.value, version)) { try JSONDecoder().decode(EikVersion.self, from: Data($0)) }
        }
    }

    /// Every published version of a package, in publishing order.
    public func versionList(type: EikType, name: PackageName) throws(RegistryError) -> [EikVersionEntry] {
        try read { [lists] txn in
            try txn.withValue(lists, key: Self.key(type, name.value)) { try JSONDecoder().decode([EikVersionEntry].self, from: Data($0)) } ?? []
        }
    }

    public func overview(type: EikType, name: PackageName) throws(RegistryError) -> EikVersionsOverview? {
        let list = try versionList(type: type, name: name)
        guard !list.isEmpty else { return nil }
        var best: [UInt64: (Version, EikVersionEntry)] = [:]
        for entry in list {
            guard let version = Version(entry.version) else { continue }
            if let current = best[version.major], current.0 >= version { continue }
            best[version.major] = (version, entry)
        }
        let majors = best.keys.sorted(by: >).map { (major: $0, entry: best[$0]!.1) }
        return EikVersionsOverview(type: type, name: name.value, latestByMajor: majors)
    }

    /// The stored file at `path` (with a leading `/`) of a published version.
    public func file(type: EikType, name: PackageName, version: String, path: String) throws(RegistryError) -> PublishedFile? {
        try read { [files] txn in
            try txn.withValue(files, key: Self.key(type, name.value, version, path), PublishedFile.decode)
        }
    }

    /// The file and, when it fits in one chunk, its bytes, read in one snapshot (the hot path).
    public func fileWithBody(type: EikType, name: PackageName, version: String, path: String) throws(RegistryError) -> (PublishedFile, [UInt8]?)? {
        try read { [files, blobs] txn in
            try PublishedFile.withBody(files, key: Self.key(type, name.value, version, path), blobs: blobs, in: txn)
        }
    }

    /// Every package of `type` with its versions: what the listing and the generator see.
    public func packages(type: EikType) throws(RegistryError) -> [(name: String, versions: [EikVersionEntry])] {
        try read { [lists] txn in
            var found: [(String, [EikVersionEntry])] = []
            try txn.scan(lists, prefix: Array("\(type.rawValue)\u{0}".utf8)) { key, value in
                let name = String(decoding: key.dropFirst(type.rawValue.utf8.count + 1), as: UTF8.self)
                found.append((name, try JSONDecoder().decode([EikVersionEntry].self, from: Data(value))))
                return true
            }
            return found
        }
    }

    // MARK: aliases

    public enum AliasChange: Sendable { case create, update }

    /// PUT (create) or POST (update) `type/name/v{major}` → `version`.
    public func setAlias(type: EikType, name: PackageName, major: UInt64, version raw: String, change: AliasChange) async throws(RegistryError) {
        let version = try Self.version(raw)
        let aliasKey = Self.key(type, name.value, String(major)), versionKey = Self.key(type, name.value, version.description)
        let aliases = aliases, versions = versions, label = "\(type.rawValue)/\(name)/v\(major)"
        do {
            try await environment.write(durable: true) { txn in
                let exists = try txn.contains(aliases, key: aliasKey)
                if change == .update && !exists {
                    throw RegistryError(.notFound, "alias \(label) does not exist; create it with PUT")
                }
                guard version.major == major else {
                    throw RegistryError(.invalid, "version \(version) does not belong to alias v\(major)")
                }
                guard try txn.contains(versions, key: versionKey) else {
                    throw RegistryError(.notFound, "\(type.rawValue)/\(name)/\(version) is not published")
                }
                if change == .create && exists {
                    throw RegistryError(.conflict, "alias \(label) exists already; update it with POST")
                }
                try txn.put(aliases, key: aliasKey, value: Array(version.description.utf8))
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.storage, "could not change alias \(label): \(error)")
        }
    }

    public func deleteAlias(type: EikType, name: PackageName, major: UInt64) async throws(RegistryError) {
        let aliasKey = Self.key(type, name.value, String(major)), aliases = aliases
        let deleted: Bool
        do {
            deleted = try await environment.write(durable: true) { txn in try txn.delete(aliases, key: aliasKey) }
        } catch {
            throw RegistryError(.storage, "could not delete alias: \(error)")
        }
        if !deleted { throw RegistryError(.notFound, "alias \(type.rawValue)/\(name)/v\(major) does not exist") }
    }

    public func alias(type: EikType, name: PackageName, major: UInt64) throws(RegistryError) -> String? {
        try read { [aliases] txn in
            try txn.get(aliases, key: Self.key(type, name.value, String(major))).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    // MARK: helpers

    /// Keys join their parts with NUL, which no name, version or path contains.
    static func key(_ type: EikType, _ parts: String...) -> [UInt8] {
        StoreKey.make(([type.rawValue] + parts).joined(separator: "\u{0}"))
    }

    private func read<T>(_ body: (borrowing ReadTransaction) throws -> T) throws(RegistryError) -> T {
        do {
            return try environment.read(body)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.storage, "could not read the registry: \(error)")
        }
    }
}
