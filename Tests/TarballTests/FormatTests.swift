import Foundation
import Tarball
import Testing

/// Header shapes built byte by byte: GNU long names, PAX overrides, base-256 sizes, the ustar prefix.
@Suite struct FormatTests {
    @Test func gnuLongName() throws {
        let long = "package/" + String(repeating: "g", count: 150) + ".js"
        let nameData = Array(long.utf8) + [0]
        let bytes = RawTar.header(name: "././@LongLink", size: nameData.count, typeflag: "L",
                                  magic: Array("ustar  ".utf8) + [0])
            + RawTar.padded(nameData)
            + RawTar.header(name: String(long.prefix(100)), size: 2, magic: Array("ustar  ".utf8) + [0])
            + RawTar.padded(Array("ok".utf8))
            + RawTar.member("package/short.js", "s")
            + RawTar.end
        let entries = try TarballReader.extract(bytes, stripSingleTopFolder: false)
        #expect(entries.map(\.path) == [long, "package/short.js"])
        #expect(entries[0].bytes == Array("ok".utf8))
    }

    @Test func paxPathAndSizeOverrideHeader() throws {
        // The ustar size field says 0; PAX says 5 — PAX wins, so the 5 data bytes belong to the member.
        let bytes = RawTar.pax([("path", "package/from-pax.js"), ("size", "5"), ("comment", "ignored")])
            + RawTar.header(name: "package/from-header.js", size: 0)
            + RawTar.padded(Array("hello".utf8))
            + RawTar.end
        let entries = try TarballReader.extract(bytes, stripSingleTopFolder: false)
        #expect(entries.map(\.path) == ["package/from-pax.js"])
        #expect(entries[0].bytes == Array("hello".utf8))
    }

    @Test func paxAppliesToOneMemberOnly() throws {
        let bytes = RawTar.pax([("path", "a/renamed.js")])
            + RawTar.member("a/one.js", "1")
            + RawTar.member("a/two.js", "2")
            + RawTar.end
        #expect(try TarballReader.extract(bytes, stripSingleTopFolder: false).map(\.path) == ["a/renamed.js", "a/two.js"])
    }

    @Test func globalPaxHeaderIsIgnored() throws {
        let bytes = RawTar.pax([("path", "global/ignored.js")], typeflag: "g")
            + RawTar.member("a/one.js", "1")
            + RawTar.end
        #expect(try TarballReader.extract(bytes, stripSingleTopFolder: false).map(\.path) == ["a/one.js"])
    }

    @Test func malformedPaxIsCorrupt() {
        let bytes = RawTar.header(name: "PaxHeader", size: 12, typeflag: "x")
            + RawTar.padded(Array("99 path=x.js".utf8))
            + RawTar.member("a.js", "a")
            + RawTar.end
        #expect(tarballError { try TarballReader.extract(bytes) }?.isCorrupt == true)
    }

    @Test func ustarPrefixIsJoined() throws {
        let bytes = RawTar.header(name: "file.js", size: 1, prefix: "package/deep/dir")
            + RawTar.padded([0x41])
            + RawTar.end
        #expect(try TarballReader.extract(bytes, stripSingleTopFolder: false).map(\.path) == ["package/deep/dir/file.js"])
    }

    @Test func gnuMagicIgnoresPrefixArea() throws {
        // GNU headers keep atime/ctime where POSIX has `prefix`; it must not be read as a path.
        let header = RawTar.header(name: "file.js", size: 1, magic: Array("ustar  ".utf8) + [0], prefix: "junk")
        let entries = try TarballReader.extract(header + RawTar.padded([0x41]) + RawTar.end)
        #expect(entries.map(\.path) == ["file.js"])
    }

    @Test func base256Size() throws {
        var field = [UInt8](repeating: 0, count: 12)
        field[0] = 0x80
        field[11] = 3
        let bytes = RawTar.header(name: "b256.bin", sizeField: field) + RawTar.padded([1, 2, 3]) + RawTar.end
        let entries = try TarballReader.extract(bytes)
        #expect(entries.first?.bytes == [1, 2, 3])
    }

    @Test func negativeBase256SizeIsCorrupt() {
        let field = [UInt8](repeating: 0xFF, count: 12)
        let bytes = RawTar.header(name: "neg.bin", sizeField: field) + RawTar.end
        #expect(tarballError { try TarballReader.extract(bytes) }?.isCorrupt == true)
    }

    @Test func nulTypeflagIsARegularFile() throws {
        let bytes = RawTar.header(name: "old.txt", size: 2, typeflag: "\u{0}") + RawTar.padded(Array("hi".utf8)) + RawTar.end
        let entries = try TarballReader.extract(bytes)
        #expect(entries.map(\.path) == ["old.txt"])
        #expect(entries.first?.bytes == Array("hi".utf8))
    }

    @Test func onlyRegularFilesAreKept() throws {
        let bytes = RawTar.member("p/file.js", "f")
            + RawTar.header(name: "p/dir/", typeflag: "5")
            + RawTar.header(name: "p/sym", typeflag: "2", linkName: "../../etc/passwd")
            + RawTar.header(name: "p/hard", typeflag: "1", linkName: "/etc/passwd")
            + RawTar.header(name: "p/chr", typeflag: "3")
            + RawTar.header(name: "p/blk", typeflag: "4")
            + RawTar.header(name: "p/fifo", typeflag: "6")
            + RawTar.header(name: "p/v7dir/", typeflag: "0")
            + RawTar.header(name: "p/sparse", size: 3, typeflag: "S") + RawTar.padded([1, 2, 3])
            + RawTar.end
        #expect(try TarballReader.extract(bytes, stripSingleTopFolder: false).map(\.path) == ["p/file.js"])
    }

    @Test func writerLinksAreDropped() throws {
        var writer = TarWriter()
        writer.addFile("package/real.js", contents: "real")
        writer.addSymlink("package/sym.js", target: "real.js")
        writer.addHardLink("package/hard.js", target: "package/real.js")
        writer.addSymlink("package/escape", target: "/etc/passwd")
        #expect(try TarballReader.extract(writer.archive(compression: .gzip)).map(\.path) == ["real.js"])
    }

    @Test func linkWithDataIsCorrupt() {
        // Readers disagree on whether such data exists, so the archive is ambiguous.
        let bytes = RawTar.header(name: "p/link", size: 4, typeflag: "1", linkName: "x")
            + RawTar.padded(Array("data".utf8)) + RawTar.end
        #expect(tarballError { try TarballReader.extract(bytes) }?.isCorrupt == true)
    }
}
