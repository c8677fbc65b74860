import CompressNIO
import NIOCore

/// Gzip-compresses a byte array in one go through compress-nio's raw `ZlibCompressor.deflate`.
enum GzipDeflater {
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        do {
            let compressor = try ZlibCompressor(algorithm: .gzip)
            var input = ByteBuffer(bytes: bytes)
            var output = ByteBufferAllocator().buffer(capacity: 64 * 1024)
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count / 2 + 64)
            func drain() {
                result += output.readBytes(length: output.readableBytes) ?? []
                output.clear()
            }
            while input.readableBytes > 0 {
                do {
                    try compressor.deflate(from: &input, to: &output, flush: .no)
                } catch let error as CompressNIOError where error == .bufferOverflow {
                    // Output window full; drained below.
                }
                drain()
            }
            while true {
                do {
                    try compressor.deflate(from: &input, to: &output, flush: .finish)
                    drain()
                    return result
                } catch let error as CompressNIOError where error == .bufferOverflow {
                    drain()
                }
            }
        } catch {
            // Deflating memory into memory fails only when zlib cannot allocate its state.
            fatalError("gzip compression failed: \(error)")
        }
    }
}
