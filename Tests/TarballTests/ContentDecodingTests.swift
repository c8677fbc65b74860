import Testing
@testable import Tarball

/// Upstream bodies sent with a content coding: decoded whole, or refused; never passed on encoded.
@Suite struct ContentDecodingTests {
    let module = Array(String(repeating: "export const answer = 42;\n", count: 200).utf8)

    @Test func gzipZlibAndRawDeflateDecode() throws {
        #expect(try ContentDecoding.decode(try StreamingGzip.compress(module), coding: "gzip", maxSize: 1 << 20) == module)
        #expect(try ContentDecoding.decode(try StreamingGzip.compress(module), coding: "x-gzip", maxSize: 1 << 20) == module)
        // HTTP's `deflate` is zlib-wrapped; some servers send it raw: both are read.
        #expect(try ContentDecoding.decode(try StreamingGzip.compress(module, algorithm: .zlib), coding: "deflate", maxSize: 1 << 20) == module)
        #expect(try ContentDecoding.decode(try StreamingGzip.compress(module, algorithm: .deflate), coding: "deflate", maxSize: 1 << 20) == module)
        #expect(try ContentDecoding.decode(try StreamingGzip.compress([]), coding: "gzip", maxSize: 10) == [])
    }

    @Test func bombsCorruptionAndOtherCodingsAreRefused() throws {
        #expect(ContentDecoding.canDecode("gzip") && ContentDecoding.canDecode("deflate"))
        #expect(!ContentDecoding.canDecode("br") && !ContentDecoding.canDecode("zstd") && !ContentDecoding.canDecode("compress"))
        #expect(throws: TarballError.self) { try ContentDecoding.decode(try StreamingGzip.zeros(8 << 20), coding: "gzip", maxSize: 1 << 20) }
        let gzip = try StreamingGzip.compress(module)
        #expect(throws: TarballError.self) { try ContentDecoding.decode(Array(gzip.prefix(gzip.count / 2)), coding: "gzip", maxSize: 1 << 20) }
        #expect(throws: TarballError.self) { try ContentDecoding.decode(module, coding: "gzip", maxSize: 1 << 20) }
        #expect(throws: TarballError.self) { try ContentDecoding.decode(gzip, coding: "br", maxSize: 1 << 20) }
    }
}
