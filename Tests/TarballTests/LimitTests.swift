import Foundation
import Tarball
import Testing

@Suite struct LimitTests {
    static let mebibyte = 1024 * 1024

    @Test func entryCountLimit() throws {
        var writer = TarWriter()
        for i in 0..<11 { writer.addFile("package/f\(i).js", contents: "\(i)") }
        let archive = writer.archive(compression: .gzip)
        #expect(throws: Never.self) { try TarballReader.extract(archive, limits: TarLimits(maxEntries: 11)) }
        #expect(tarballError { try TarballReader.extract(archive, limits: TarLimits(maxEntries: 10)) }?.isTooLarge == true)
    }

    @Test func directoriesAndLinksCountAsEntries() {
        var writer = TarWriter()
        for i in 0..<20 { writer.addDirectory("package/d\(i)") }
        writer.addFile("package/only.js", contents: "x")
        let error = tarballError { try TarballReader.extract(writer.archive(), limits: TarLimits(maxEntries: 5)) }
        #expect(error?.isTooLarge == true)
    }

    @Test func compressedSizeLimit() {
        var writer = TarWriter()
        writer.addFile("package/a.bin", bytes: [UInt8](repeating: 7, count: 4096))
        let plain = writer.archive()
        #expect(tarballError { try TarballReader.extract(plain, limits: TarLimits(maxCompressedSize: plain.count - 1)) }?.isTooLarge == true)
        #expect(throws: Never.self) { try TarballReader.extract(plain, limits: TarLimits(maxCompressedSize: plain.count)) }
    }

    @Test func uncompressedTotalLimit() {
        var writer = TarWriter()
        writer.addFile("package/a.bin", bytes: [UInt8](repeating: 1, count: 600))
        writer.addFile("package/b.bin", bytes: [UInt8](repeating: 2, count: 600))
        let limits = TarLimits(maxUncompressedSize: 1000)
        #expect(tarballError { try TarballReader.extract(writer.archive(), limits: limits) }?.isTooLarge == true)
        #expect(tarballError { try TarballReader.extract(writer.archive(compression: .gzip), limits: limits) }?.isTooLarge == true)
        #expect(throws: Never.self) { try TarballReader.extract(writer.archive(), limits: TarLimits(maxUncompressedSize: 1200)) }
    }

    @Test func declaredSizeIsRefusedBeforeReadingData() {
        // Headers claiming 8 GiB - 1 (octal) and 1 TiB (base-256) followed by nothing: too large, not truncated.
        let octal = RawTar.header(name: "package/huge.bin", size: 0o77777777777)
        #expect(tarballError { try TarballReader.extract(octal) }?.isTooLarge == true)
        var field = [UInt8](repeating: 0, count: 12)
        field[0] = 0x80
        field[6] = 1  // 1 << 40
        let base256 = RawTar.header(name: "package/huge.bin", sizeField: field)
        #expect(tarballError { try TarballReader.extract(base256) }?.isTooLarge == true)
    }

    @Test func oversizedPaxRecordIsRefused() {
        let bytes = RawTar.header(name: "PaxHeader", size: 2 * Self.mebibyte, typeflag: "x")
        #expect(tarballError { try TarballReader.extract(bytes) }?.isTooLarge == true)
    }

    /// 200 MB of zeros in one declared member, streamed into gzip: refused at its header.
    @Test func gzipBombDeclaredInHeader() throws {
        let size = 200 * 1000 * 1000
        let bomb = try StreamingGzip.zeros(size, prefix: RawTar.header(name: "package/bomb.bin", size: size),
                                           suffix: RawTar.end)
        #expect(bomb.count < 1 * Self.mebibyte)
        let error = tarballError { try TarballReader.extract(bomb) }
        #expect(error?.isTooLarge == true, "\(String(describing: error))")
    }

    /// A member under the size limit but made of zeros: the ratio check stops inflation early.
    @Test func gzipBombCaughtByRatioWhileInflating() throws {
        let size = 90 * 1024 * 1024
        let bomb = try StreamingGzip.zeros(size, prefix: RawTar.header(name: "package/zeros.bin", size: size),
                                           suffix: RawTar.end)
        let error = tarballError { try TarballReader.extract(bomb) }
        #expect(error?.isTooLarge == true)
        #expect(String(describing: error!).contains("ratio"))
        // Refused after a few MiB of output, not after inflating the 90 MiB member (the message
        // says how far inflation got; process RSS is no measure while other suites run alongside).
        let message = String(describing: error!)
        let inflated = message.split(separator: "(").last?.split(separator: " ").first.flatMap { Int($0) }
        #expect((inflated ?? .max) < 8 * Self.mebibyte, "\(message)")
    }

    /// 200 MB of raw zeros: an empty tar, then zeros hidden after the end marker; still refused.
    @Test func rawZeroBombIsRefused() throws {
        let bomb = try StreamingGzip.zeros(200 * 1000 * 1000)
        let start = ContinuousClock.now
        let error = tarballError { try TarballReader.extract(bomb) }
        #expect(error?.isTooLarge == true, "\(String(describing: error))")
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func ratioLimitIsConfigurable() throws {
        let size = 3 * Self.mebibyte
        let zeros = try StreamingGzip.zeros(size, prefix: RawTar.header(name: "z.bin", size: size), suffix: RawTar.end)
        let relaxed = TarLimits(maxCompressionRatio: 100_000)
        #expect(try TarballReader.extract(zeros, limits: relaxed).first?.bytes.count == size)
        let strict = TarLimits(maxCompressionRatio: 10, ratioCheckThreshold: 64 * 1024)
        #expect(tarballError { try TarballReader.extract(zeros, limits: strict) }?.isTooLarge == true)
    }

    @Test func smallHighlyCompressibleArchivesPass() throws {
        // Under the 1 MiB threshold any ratio is fine: a package of zero-filled fixtures is legitimate.
        var writer = TarWriter()
        writer.addFile("package/zeros.bin", bytes: [UInt8](repeating: 0, count: 900 * 1024))
        #expect(try TarballReader.extract(writer.archive(compression: .gzip)).first?.bytes.count == 900 * 1024)
    }
}
