import Foundation
import Semver
import Storage
import Tarball
import Testing
import StoreTestSupport
@testable import Registry

/// The registry's guarantees, without HTTP: one winner per version, no lost list entries, and
/// nothing visible until the whole version is.
@Suite struct EikRegistryTests {
    let author = EikAuthor(name: "admin", user: "admin")

    func files(_ marker: String) -> [EikRegistry.IncomingFile] {
        [
            .init(path: "/main/index.js", bytes: Array("export default '\(marker)';\n".utf8)),
            .init(path: "/main/big.bin", bytes: (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }),
        ]
    }

    @Test func concurrentPublishesOfOneVersionHaveExactlyOneWinner() async throws {
        let store = try TemporaryStore("registry")
        let registry = try EikRegistry(blobs: store.blobs)
        let name = try PackageName("fuzz"), version = try EikRegistry.version("1.0.0")
        let outcomes = await withTaskGroup(of: RegistryError.Kind?.self) { group in
            for index in 0..<8 {
                group.addTask {
                    do {
                        _ = try await registry.publish(type: .pkg, name: name, version: version, files: files("\(index)"), author: author)
                        return nil
                    } catch {
                        return (error as? RegistryError)?.kind ?? .storage
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.filter { $0 == RegistryError.Kind.conflict }.count == 7)
        #expect(try registry.versionList(type: .pkg, name: name).count == 1)
        // The losers' bytes are gone: one copy of the shared big file and one winner's index.js, plus eik.json.
        #expect(try registry.blobs.statistics().pending == 0)
        #expect(try registry.blobs.statistics().blobs == 3)
    }

    @Test func concurrentPublishesOfDifferentVersionsLoseNoEntry() async throws {
        let store = try TemporaryStore("registry")
        let registry = try EikRegistry(blobs: store.blobs)
        let name = try PackageName("@scope/fuzz")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for major in 1...10 {
                group.addTask {
                    _ = try await registry.publish(type: .npm, name: name, version: try EikRegistry.version("\(major).0.0"), files: files("\(major)"), author: author)
                }
            }
            try await group.waitForAll()
        }
        let list = try registry.versionList(type: .npm, name: name)
        #expect(Set(list.map(\.version)) == Set((1...10).map { "\($0).0.0" }))
        let overview = try #require(try registry.overview(type: .npm, name: name))
        #expect(overview.latestByMajor.map(\.major) == Array((1...10).reversed()).map(UInt64.init))
        #expect(try registry.packages(type: .npm).map(\.name) == ["@scope/fuzz"])
    }

    @Test func aVersionMustBeNewerThanItsMajorsLatest() async throws {
        let store = try TemporaryStore("registry")
        let registry = try EikRegistry(blobs: store.blobs)
        let name = try PackageName("fuzz")
        _ = try await registry.publish(type: .pkg, name: name, version: try EikRegistry.version("8.4.1"), files: files("a"), author: author)
        await #expect(throws: RegistryError.self) {
            _ = try await registry.publish(type: .pkg, name: name, version: try EikRegistry.version("8.4.0"), files: files("b"), author: author)
        }
        _ = try await registry.publish(type: .pkg, name: name, version: try EikRegistry.version("7.0.0"), files: files("c"), author: author)
        _ = try await registry.publish(type: .pkg, name: name, version: try EikRegistry.version("8.5.0"), files: files("d"), author: author)
        let overview = try #require(try registry.overview(type: .pkg, name: name))
        #expect(overview.latestByMajor.map(\.entry.version) == ["8.5.0", "7.0.0"])
    }

    @Test func aVersionRecordsItsFilesAndIntegrity() async throws {
        let store = try TemporaryStore("registry")
        let registry = try EikRegistry(blobs: store.blobs)
        let name = try PackageName("fuzz")
        let record = try await registry.publish(type: .pkg, name: name, version: try EikRegistry.version("1.2.3"), files: files("x"), author: author)
        #expect(record.files.map(\.pathname) == ["/eik.json", "/main/big.bin", "/main/index.js"])
        #expect(record.integrity == Integrity.ofFiles(record.files.map(\.integrity)))
        #expect(record.files.first { $0.pathname == "/main/index.js" }?.mimeType == "text/javascript")
        let stored = try #require(try registry.file(type: .pkg, name: name, version: "1.2.3", path: "/main/big.bin"))
        #expect(try registry.blobs.readAll(stored.blob) == files("x")[1].bytes)
        let manifest = try #require(try registry.file(type: .pkg, name: name, version: "1.2.3", path: "/eik.json"))
        let json = try JSONSerialization.jsonObject(with: Data(try registry.blobs.readAll(manifest.blob))) as? [String: String]
        #expect(json == ["name": "fuzz", "version": "1.2.3", "type": "pkg"])
        #expect(try registry.version(type: .pkg, name: name, version: "1.2.3") == record)
    }

    /// An archive is unpacked in the registry: each way it can be unfit is its own kind of refusal,
    /// and none of them publishes anything.
    @Test func unfitArchivesAreRefusedByKind() async throws {
        let store = try TemporaryStore("registry")
        var limits = RegistryLimits()
        limits.maxFiles = 2
        let registry = try EikRegistry(blobs: store.blobs, limits: limits)
        let name = try PackageName("lib"), version = try EikRegistry.version("1.0.0")
        var many = TarWriter()
        for index in 0..<3 { many.addFile("f\(index).js", contents: "export {}") }
        var escaping = TarWriter()
        escaping.addFile("../outside.js", contents: "export {}")
        let cases: [([UInt8], RegistryError.Kind)] = [
            (Array("plain text, not an archive".utf8), .unsupportedMedia),
            ([0x1F, 0x8B, 0x08, 0x00] + Array(repeating: 0xAB, count: 64), .unprocessable),
            (escaping.archive(compression: .gzip), .unprocessable),
            (many.archive(compression: .gzip), .tooLarge),
        ]
        for (archive, kind) in cases {
            await #expect(throws: RegistryError.self) {
                _ = try await registry.publish(type: .pkg, name: name, version: version, archive: archive, author: author)
            }
            do {
                _ = try await registry.publish(type: .pkg, name: name, version: version, archive: archive, author: author)
            } catch {
                #expect(error.kind == kind)
            }
        }
        #expect(try registry.versionList(type: .pkg, name: name).isEmpty)
        #expect(try registry.blobs.statistics().blobs == 0)
        var good = TarWriter()
        good.addFile("index.js", contents: "export default 1;\n")
        let published = try await registry.publish(type: .pkg, name: name, version: version, archive: good.archive(compression: .gzip), author: author)
        #expect(published.files.map(\.pathname) == ["/eik.json", "/index.js"])
    }
}
