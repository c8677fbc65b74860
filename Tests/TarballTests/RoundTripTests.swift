import Foundation
import Tarball
import Testing

@Suite struct RoundTripTests {
    static let date = Date(timeIntervalSince1970: 1_700_000_000)

    static func sample() -> TarWriter {
        var writer = TarWriter()
        writer.addDirectory("package")
        writer.addFile("package/package.json", contents: #"{"name":"demo","version":"1.0.0"}"#, modified: date)
        writer.addFile("package/bin/run.js", contents: "#!/usr/bin/env node\n", mode: 0o755, modified: date)
        writer.addFile("package/empty.txt", bytes: [], modified: date)
        writer.addFile("package/data.bin", bytes: (0..<1500).map { UInt8(truncatingIfNeeded: $0 &* 7) }, modified: date)
        return writer
    }

    @Test(arguments: [TarWriter.Compression.none, .gzip])
    func roundTrip(compression: TarWriter.Compression) throws {
        let bytes = Self.sample().archive(compression: compression)
        if compression == .gzip { #expect(bytes.prefix(2) == [0x1F, 0x8B]) }
        let entries = try TarballReader.extract(bytes)
        #expect(entries.map(\.path) == ["package.json", "bin/run.js", "empty.txt", "data.bin"])
        #expect(entries[0].bytes == Array(#"{"name":"demo","version":"1.0.0"}"#.utf8))
        #expect(entries[1].mode == 0o755)
        #expect(entries[0].mode == 0o644)
        #expect(entries[2].bytes.isEmpty)
        #expect(entries[3].bytes == (0..<1500).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        #expect(entries.allSatisfy { $0.modified == Self.date })
    }

    @Test func keepsTopFolderWhenAsked() throws {
        let entries = try TarballReader(stripSingleTopFolder: false).read(Self.sample().archive())
        #expect(entries.map(\.path) == ["package/package.json", "package/bin/run.js", "package/empty.txt", "package/data.bin"])
    }

    @Test func keepsTopFoldersWhenTheyDiffer() throws {
        var writer = TarWriter()
        writer.addFile("package/a.js", contents: "a")
        writer.addFile("other/b.js", contents: "b")
        writer.addFile("README", contents: "r")
        let entries = try TarballReader.extract(writer.archive())
        #expect(entries.map(\.path) == ["package/a.js", "other/b.js", "README"])
    }

    @Test func singleRootFileIsNotAFolder() throws {
        var writer = TarWriter()
        writer.addFile("package", contents: "just a file")
        #expect(try TarballReader.extract(writer.archive()).map(\.path) == ["package"])
    }

    @Test func duplicatePathsLastOneWins() throws {
        var writer = TarWriter()
        writer.addFile("package/index.js", contents: "first")
        writer.addFile("package/other.js", contents: "other")
        writer.addFile("package/./index.js", contents: "second")
        let entries = try TarballReader.extract(writer.archive())
        #expect(entries.map(\.path) == ["index.js", "other.js"])
        #expect(entries[0].bytes == Array("second".utf8))
    }

    @Test func dotAndEmptySegmentsCollapse() throws {
        var writer = TarWriter()
        writer.addFile("./package//lib/./a.js", contents: "a")
        writer.addFile("package/b.js", contents: "b")
        #expect(try TarballReader.extract(writer.archive()).map(\.path) == ["lib/a.js", "b.js"])
    }

    @Test func longPathsUseUstarPrefixOrPax() throws {
        let prefixed = "package/" + String(repeating: "d", count: 120) + "/file.js"  // fits prefix + name
        let paxOnly = "package/" + String(repeating: "x", count: 300) + ".js"  // no slash split fits
        let unicode = "package/naïve-ünïcødé-文件.js"
        var writer = TarWriter()
        writer.addFile(prefixed, contents: "1")
        writer.addFile(paxOnly, contents: "2")
        writer.addFile(unicode, contents: "3")
        for compression in [TarWriter.Compression.none, .gzip] {
            let entries = try TarballReader.extract(writer.archive(compression: compression), stripSingleTopFolder: false)
            #expect(entries.map(\.path) == [prefixed, paxOnly, unicode])
            #expect(entries.map(\.bytes) == [[0x31], [0x32], [0x33]])
        }
    }

    @Test func emptyArchiveHasNoEntries() throws {
        #expect(try TarballReader.extract(TarWriter().archive()).isEmpty)
        #expect(try TarballReader.extract(TarWriter().archive(compression: .gzip)).isEmpty)
    }

    @Test func largeFileSpanningManyInflateWindows() throws {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var writer = TarWriter()
        writer.addFile("package/blob", bytes: random)
        writer.addFile("package/after", contents: "after")
        let entries = try TarballReader.extract(writer.archive(compression: .gzip))
        #expect(entries.map(\.path) == ["blob", "after"])
        #expect(entries[0].bytes == random)
        #expect(entries[1].bytes == Array("after".utf8))
    }
}
