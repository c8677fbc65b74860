import Foundation
import Tarball
import Testing

@Suite struct CorruptionTests {
    static func sample() -> [UInt8] {
        var writer = TarWriter()
        writer.addFile("package/index.js", contents: String(repeating: "console.log(1)\n", count: 100))
        writer.addFile("package/package.json", contents: "{}")
        return writer.archive()
    }

    @Test func badChecksumIsCorrupt() {
        var bytes = Self.sample()
        bytes[0] ^= 0x01  // first header's name changes, its checksum no longer matches
        #expect(tarballError { try TarballReader.extract(bytes) }?.isCorrupt == true)
        var second = Self.sample()
        let secondHeader = 512 + 1536  // header + 1500 bytes of data padded to 3 blocks
        second[secondHeader + 10] ^= 0x01
        let error = tarballError { try TarballReader.extract(second) }
        #expect(error?.isCorrupt == true)
        #expect(String(describing: error!).contains("checksum"))
    }

    @Test func badChecksumInsideGzipIsCorrupt() {
        var bytes = Self.sample()
        bytes[512 + 1536 + 148] = UInt8(ascii: "7")  // second header's checksum field
        #expect(tarballError { try TarballReader.extract(Self.gzip(bytes)) }?.isCorrupt == true)
    }

    @Test(arguments: [100, 511, 512, 700, 2047, 2048, 2560, 3071])
    func truncatedPlainIsCorrupt(at length: Int) {
        let bytes = Array(Self.sample().prefix(length))
        let error = tarballError { try TarballReader.extract(bytes) }
        // Under 262 bytes even the magic is missing, so nothing says it was a tar.
        if length < 262 {
            #expect(error == .notATar)
        } else {
            #expect(error?.isCorrupt == true, "cut at \(length): \(String(describing: error))")
        }
    }

    @Test func missingEndMarkerIsCorrupt() {
        let bytes = Array(Self.sample().dropLast(1024))
        #expect(tarballError { try TarballReader.extract(bytes) }?.isCorrupt == true)
        // One zero block at end of input is tolerated, as GNU tar does.
        #expect(throws: Never.self) { try TarballReader.extract(Array(Self.sample().dropLast(512))) }
    }

    @Test func loneZeroBlockFollowedByHeaderIsCorrupt() {
        let bytes = RawTar.member("a.js", "a") + [UInt8](repeating: 0, count: 512) + RawTar.member("b.js", "b") + RawTar.end
        #expect(tarballError { try TarballReader.extract(bytes) }?.isCorrupt == true)
    }

    @Test func truncatedGzipIsCorrupt() {
        let gz = TarWriter(entries: [TarEntry(path: "a/b.js", bytes: Array(repeating: 65, count: 5000))])
            .archive(compression: .gzip)
        for cut in [gz.count - 1, gz.count - 8, gz.count / 2, 12] {
            let error = tarballError { try TarballReader.extract(Array(gz.prefix(cut))) }
            #expect(error?.isCorrupt == true, "cut at \(cut) of \(gz.count): \(String(describing: error))")
        }
    }

    @Test func damagedGzipIsCorrupt() {
        var gz = Self.gzip(Self.sample())
        for i in 20..<40 { gz[i] ^= 0x5A }
        #expect(tarballError { try TarballReader.extract(gz) }?.isCorrupt == true)
        #expect(tarballError { try TarballReader.extract([0x1F, 0x8B] + Array("not really gzip".utf8)) }?.isCorrupt == true)
        // A flipped CRC in the trailer is caught even though the tar inside was complete.
        var crc = Self.gzip(Self.sample())
        crc[crc.count - 6] ^= 0xFF
        #expect(tarballError { try TarballReader.extract(crc) }?.isCorrupt == true)
    }

    @Test func randomBytesAreNotATar() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 100, 512, 4096] {
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.count >= 2, bytes[0] == 0x1F { bytes[0] = 0 }
            #expect(tarballError { try TarballReader.extract(bytes) } == .notATar, "length \(length)")
        }
        #expect(tarballError { try TarballReader.extract(Array("PK\u{3}\u{4} a zip file".utf8)) } == .notATar)
        #expect(tarballError { try TarballReader.extract(Array(String(repeating: "{\"json\": true}\n", count: 100).utf8)) } == .notATar)
    }

    @Test func gzipOfSomethingElseIsNotATar() {
        let gz = Self.gzip(Array(String(repeating: "hello world\n", count: 200).utf8))
        #expect(tarballError { try TarballReader.extract(gz) } == .notATar)
        #expect(tarballError { try TarballReader.extract(Self.gzip([])) } == .notATar)
    }

    @Test(.timeLimit(.minutes(1)))
    func trailingGarbageAfterGzipDoesNotHang() throws {
        let gz = TarWriter(entries: [TarEntry(path: "package/a.js", bytes: Array("a".utf8))]).archive(compression: .gzip)
        var generator = SystemRandomNumberGenerator()
        let garbage = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for trailer in [[0], [UInt8](repeating: 0, count: 4096), Array("garbage".utf8), [0x1F], [0x1F, 0x8B], garbage] {
            let entries = try TarballReader.extract(gz + trailer)
            #expect(entries.map(\.path) == ["a.js"])
        }
    }

    @Test func concatenatedGzipMembersAreOneStream() throws {
        let tar = Self.sample()
        let split = 700
        let gz = Self.gzip(Array(tar.prefix(split))) + Self.gzip(Array(tar.dropFirst(split)))
        let entries = try TarballReader.extract(gz)
        #expect(entries.map(\.path) == ["index.js", "package.json"])
        // Garbage where the next member should continue the unfinished tar is corrupt, not silently truncated.
        for trailer in [Array("garbage".utf8), [0x1F, 0x8B], [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF]] {
            let broken = Self.gzip(Array(tar.prefix(split))) + trailer
            #expect(tarballError { try TarballReader.extract(broken) }?.isCorrupt == true, "\(trailer)")
        }
    }

    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var gzip = try! StreamingGzip()
        try! gzip.write(bytes)
        return try! gzip.finish()
    }
}
