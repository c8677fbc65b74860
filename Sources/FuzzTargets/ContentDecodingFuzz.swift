import CompressNIO
import NIOCore
import Tarball

/// Upstream bodies with a content coding: decoding arbitrary bytes stays within its bound, and
/// what zlib compresses (gzip, zlib-wrapped and raw deflate) decodes back to the input.
enum ContentDecodingFuzz {
    static func run(_ bytes: [UInt8]) {
        for coding in ["gzip", "deflate"] {
            if let decoded = try? ContentDecoding.decode(bytes, coding: coding, maxSize: 1 << 20) {
                require(decoded.count <= 1 << 20, "\(coding) decoded past its bound")
            }
        }
        for (algorithm, coding) in [(ZlibAlgorithm.gzip, "gzip"), (.zlib, "deflate"), (.deflate, "deflate")] {
            guard let compressed = compress(bytes, algorithm) else { continue }
            let decoded = try? ContentDecoding.decode(compressed, coding: coding, maxSize: max(bytes.count, 1))
            require(decoded == bytes, "\(algorithm) round trip changed \(bytes.count) bytes")
        }
    }

    static func compress(_ bytes: [UInt8], _ algorithm: ZlibAlgorithm) -> [UInt8]? {
        guard let compressor = try? ZlibCompressor(algorithm: algorithm) else { return nil }
        var input = ByteBuffer(bytes: bytes)
        var output = ByteBufferAllocator().buffer(capacity: bytes.count + 1024)
        var result: [UInt8] = []
        while true {
            do {
                try compressor.deflate(from: &input, to: &output, flush: .finish)
                result += output.readableBytesView
                return result
            } catch let error as CompressNIOError where error == .bufferOverflow {
                result += output.readableBytesView
                output.clear()
            } catch {
                return nil
            }
        }
    }
}
