import CompressNIO
import NIOCore

/// Gzip built a chunk at a time, so a test can make a 200 MB bomb without holding 200 MB.
struct StreamingGzip {
    private let compressor: ZlibCompressor
    private var output = ByteBufferAllocator().buffer(capacity: 64 * 1024)
    private(set) var compressed: [UInt8] = []

    init(algorithm: ZlibAlgorithm = .gzip) throws {
        compressor = try ZlibCompressor(algorithm: algorithm, configuration: .init(compressionLevel: .bestCompression))
    }

    /// `bytes` compressed in one of zlib's formats.
    static func compress(_ bytes: [UInt8], algorithm: ZlibAlgorithm = .gzip) throws -> [UInt8] {
        var stream = try StreamingGzip(algorithm: algorithm)
        try stream.write(bytes)
        return try stream.finish()
    }

    mutating func write(_ bytes: [UInt8]) throws {
        var input = ByteBuffer(bytes: bytes)
        while input.readableBytes > 0 {
            do {
                try compressor.deflate(from: &input, to: &output, flush: .no)
            } catch let error as CompressNIOError where error == .bufferOverflow {}
            drain()
        }
    }

    mutating func finish() throws -> [UInt8] {
        var empty = ByteBufferAllocator().buffer(capacity: 16)
        while true {
            do {
                try compressor.deflate(from: &empty, to: &output, flush: .finish)
                drain()
                return compressed
            } catch let error as CompressNIOError where error == .bufferOverflow {
                drain()
            }
        }
    }

    private mutating func drain() {
        compressed += output.readBytes(length: output.readableBytes) ?? []
        output.clear()
    }

    /// `prefix`, then `zeroCount` zero bytes written 1 MiB at a time, then `suffix`, gzipped.
    static func zeros(_ zeroCount: Int, prefix: [UInt8] = [], suffix: [UInt8] = []) throws -> [UInt8] {
        var gzip = try StreamingGzip()
        try gzip.write(prefix)
        let chunk = [UInt8](repeating: 0, count: 1024 * 1024)
        var left = zeroCount
        while left > 0 {
            let count = min(left, chunk.count)
            try gzip.write(count == chunk.count ? chunk : Array(chunk[..<count]))
            left -= count
        }
        try gzip.write(suffix)
        return try gzip.finish()
    }
}
