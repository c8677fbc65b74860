import Foundation
import Tarball
import Testing

/// `readArchive` reports the links, directories and devices that `read` drops, so JSR can refuse them.
@Suite struct SpecialEntryTests {
    /// One member of every non-regular type, between two regular files.
    static let mixed: [UInt8] = RawTar.member("mod.ts", "export {}")
        + RawTar.header(name: "hard.ts", typeflag: "1", linkName: "mod.ts")
        + RawTar.header(name: "soft.ts", typeflag: "2", linkName: "mod.ts")
        + RawTar.header(name: "tty", typeflag: "3")
        + RawTar.header(name: "disk", typeflag: "4")
        + RawTar.header(name: "lib/", typeflag: "5")
        + RawTar.header(name: "pipe", typeflag: "6")
        + RawTar.header(name: "old-style-dir/", typeflag: "0")
        + RawTar.header(name: "sparse", size: 3, typeflag: "S") + RawTar.padded(Array("abc".utf8))
        + RawTar.member("lib/util.ts", "export const x = 1")
        + RawTar.end

    @Test func everyNonRegularTypeIsReported() throws {
        let archive = try TarballReader().readArchive(Self.mixed)
        #expect(archive.files.map(\.path) == ["mod.ts", "lib/util.ts"])
        #expect(archive.files.last?.bytes == Array("export const x = 1".utf8))
        #expect(archive.specials == [
            TarSpecialEntry(path: "hard.ts", kind: .hardLink),
            TarSpecialEntry(path: "soft.ts", kind: .symbolicLink),
            TarSpecialEntry(path: "tty", kind: .characterDevice),
            TarSpecialEntry(path: "disk", kind: .blockDevice),
            TarSpecialEntry(path: "lib/", kind: .directory),
            TarSpecialEntry(path: "pipe", kind: .fifo),
            TarSpecialEntry(path: "old-style-dir/", kind: .directory),
            TarSpecialEntry(path: "sparse", kind: .other(UInt8(ascii: "S"))),
        ])
    }

    @Test func readIsUnchanged() throws {
        #expect(try TarballReader.extract(Self.mixed).map(\.path) == ["mod.ts", "lib/util.ts"])
        #expect(try TarballReader().readArchive(Self.mixed).files == TarballReader.extract(Self.mixed))
    }

    @Test func gzippedArchiveIsRead() throws {
        let gzipped = CorruptionTests.gzip(Self.mixed)
        let archive = try TarballReader().readArchive(gzipped)
        #expect(archive.files.map(\.path) == ["mod.ts", "lib/util.ts"])
        #expect(archive.specials.count == 8)
    }

    @Test func metadataHeadersAreNotReported() throws {
        let bytes = RawTar.pax([("path", "from-pax-link.ts")])
            + RawTar.header(name: "ignored.ts", typeflag: "2", linkName: "mod.ts")
            + RawTar.pax([("comment", "global")], typeflag: "g")
            + RawTar.member("mod.ts", "m")
            + RawTar.end
        let archive = try TarballReader().readArchive(bytes)
        #expect(archive.specials == [TarSpecialEntry(path: "from-pax-link.ts", kind: .symbolicLink)])
        #expect(archive.files.map(\.path) == ["mod.ts"])
    }

    @Test func topFolderIsNeverStripped() throws {
        let bytes = RawTar.member("package/a.ts", "a") + RawTar.member("package/b.ts", "b") + RawTar.end
        #expect(try TarballReader().readArchive(bytes).files.map(\.path) == ["package/a.ts", "package/b.ts"])
        #expect(try TarballReader(stripSingleTopFolder: true).readArchive(bytes).files.map(\.path)
            == ["package/a.ts", "package/b.ts"])
        #expect(try TarballReader.extract(bytes).map(\.path) == ["a.ts", "b.ts"])
    }

    @Test func dotPrefixedPathsLoseTheDot() throws {
        let bytes = RawTar.header(name: "./", typeflag: "5")
            + RawTar.member("./mod.ts", "m") + RawTar.member("./sub/x.ts", "x") + RawTar.end
        let archive = try TarballReader().readArchive(bytes)
        #expect(archive.files.map(\.path) == ["mod.ts", "sub/x.ts"])
        #expect(archive.specials == [TarSpecialEntry(path: "./", kind: .directory)])
    }

    @Test func specialPathsAreNotValidated() throws {
        // A link may name anything (it is reported, never extracted): `..` and invalid UTF-8 do not throw.
        let badName: [UInt8] = Array("bad-".utf8) + [0xFF] + Array("name".utf8) + [0]
        let bytes = RawTar.header(name: "../escape", typeflag: "2", linkName: "/etc/passwd")
            + RawTar.header(name: "././@LongLink", size: badName.count, typeflag: "L", magic: Array("ustar  ".utf8) + [0])
            + RawTar.padded(badName)
            + RawTar.header(name: "truncated", typeflag: "1", linkName: "mod.ts", magic: Array("ustar  ".utf8) + [0])
            + RawTar.member("mod.ts", "m")
            + RawTar.end
        let archive = try TarballReader().readArchive(bytes)
        #expect(archive.specials == [
            TarSpecialEntry(path: "../escape", kind: .symbolicLink),
            TarSpecialEntry(path: "bad-\u{FFFD}name", kind: .hardLink),
        ])
        #expect(archive.files.map(\.path) == ["mod.ts"])
    }

    @Test func unsafeFilePathsStillThrow() {
        let bytes = RawTar.member("../escape.ts", "x") + RawTar.end
        #expect(tarballError { try TarballReader().readArchive(bytes).files }?.isUnsafePath == true)
    }

    @Test func specialsCountTowardTheEntryLimit() {
        let bytes = RawTar.header(name: "a/", typeflag: "5") + RawTar.header(name: "b/", typeflag: "5")
            + RawTar.member("mod.ts", "m") + RawTar.end
        let reader = TarballReader(limits: TarLimits(maxEntries: 2))
        #expect(tarballError { try reader.readArchive(bytes).files }?.isTooLarge == true)
    }

    @Test(.enabled(if: SystemTar.available, "needs a system tar"))
    func systemTarLinksAndDirectories() throws {
        let tar = try SystemTar()
        defer { tar.remove() }
        try tar.write("mod.ts", "export * from './lib/a.ts'\n")
        try tar.write("lib/a.ts", "export const a = 1\n")
        try tar.symlink("alias.ts", to: "mod.ts")
        try tar.hardLink("zz-copy.ts", to: "mod.ts")  // sorts after its target, so tar stores a link
        let archive = try TarballReader().readArchive(try tar.create(["-cz", "--sort=name"], members: ["."]))
        #expect(archive.files.map(\.path) == ["lib/a.ts", "mod.ts"])
        #expect(archive.specials == [
            TarSpecialEntry(path: "./", kind: .directory),
            TarSpecialEntry(path: "./alias.ts", kind: .symbolicLink),
            TarSpecialEntry(path: "./lib/", kind: .directory),
            TarSpecialEntry(path: "./zz-copy.ts", kind: .hardLink),
        ])
    }
}
