import Tarball
import Testing

@Suite struct PathSafetyTests {
    static let hostile = [
        "../evil", "/abs", "/etc/passwd", "a/../../b", "package/../../escape", "a/..", "..",
        "a\\b", "..\\evil", "a/\u{1}b", "a/b\u{7F}", "tab\there", "new\nline", "C:/windows", "c:evil",
        ".", "package/\u{85}next",
    ]

    @Test(arguments: hostile)
    func refusedPath(_ path: String) {
        var writer = TarWriter()
        writer.addFile("package/ok.js", contents: "ok")
        writer.addFile(path, contents: "bad")
        let error = tarballError { try TarballReader.extract(writer.archive(compression: .gzip)) }
        #expect(error?.isUnsafePath == true, "\(path) gave \(String(describing: error))")
    }

    @Test func messageNamesThePath() {
        var writer = TarWriter()
        writer.addFile("../evil", contents: "bad")
        #expect(tarballError { try TarballReader.extract(writer.archive()) } == .unsafePath("../evil"))
    }

    @Test func controlCharactersAreEscapedInMessages() {
        var writer = TarWriter()
        writer.addFile("bad\u{1B}[2Jname", contents: "bad")
        let error = tarballError { try TarballReader.extract(writer.archive()) }
        #expect(error == .unsafePath("bad\\u{1b}[2Jname"))
        #expect(!String(describing: error!).contains("\u{1B}"))
    }

    @Test func nulInPaxPathIsRefused() {
        let bytes = RawTar.pax([("path", "a\u{0}b.js")]) + RawTar.member("x.js", "x") + RawTar.end
        #expect(tarballError { try TarballReader.extract(bytes) }?.isUnsafePath == true)
    }

    @Test func invalidUTF8IsRefused() {
        var header = RawTar.header(name: "bad-\u{FF}.js", size: 0)
        // Replace the two UTF-8 bytes of ÿ by a lone 0xFF continuation-less byte, then fix the checksum.
        header[4] = 0xFF
        header[5] = UInt8(ascii: ".")
        header[6] = UInt8(ascii: "j")
        header[7] = UInt8(ascii: "s")
        header[8] = 0
        var sum = 0
        for (i, byte) in header.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(byte) }
        let digits = Array(String(sum, radix: 8).utf8)
        for i in 0..<6 { header[148 + i] = i < 6 - digits.count ? 0x30 : digits[i - (6 - digits.count)] }
        #expect(tarballError { try TarballReader.extract(header + RawTar.end) }?.isUnsafePath == true)
    }

    @Test func unsafePathInSkippedLinkIsHarmless() throws {
        // Links are never written out, so their names and targets cannot escape.
        let bytes = RawTar.member("package/a.js", "a")
            + RawTar.header(name: "../../evil-link", typeflag: "2", linkName: "/etc/passwd")
            + RawTar.end
        #expect(try TarballReader.extract(bytes).map(\.path) == ["a.js"])
    }

    /// Statuses are the server's business (EikRegistryTests and DomainErrorMappingTests check them).
    @Test func descriptions() {
        #expect(TarballError.tooLarge("5 > 4").description == "archive too large: 5 > 4")
    }
}
