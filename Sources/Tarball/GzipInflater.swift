import CompressNIO
import NIOCore

/// Inflates gzip through compress-nio's raw `ZlibDecompressor.inflate`, a fixed window at a time, checking limits per window.
///
/// compress-nio 1.5.0's windowed helper duplicates output and spins on bytes after the stream end, so
/// this drives zlib directly: a call that consumes and produces nothing without an error means the member ended.
enum GzipInflater {
    static let windowSize = 64 * 1024

    /// What the consumer of inflated bytes wants next.
    enum Demand {
        /// Keep feeding inflated bytes.
        case more
        /// The tar is complete: inflate to the end of this gzip member (verifying its CRC) but discard the output.
        case drain
    }

    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Calls `sink` with each inflated window; stops at the end of the gzip member once the sink says `drain`.
    static func inflate(
        _ compressed: [UInt8],
        limits: TarLimits,
        sink: (ArraySlice<UInt8>) throws(TarballError) -> Demand
    ) throws(TarballError) {
        try inflate(compressed, algorithm: .gzip, maxInflated: limits.maxInflatedStreamSize, limits: limits, sink: sink)
    }

    /// The same for any of zlib's formats (gzip, zlib-wrapped or raw deflate); `limits` gives the ratio check.
    static func inflate(
        _ compressed: [UInt8],
        algorithm: ZlibAlgorithm,
        maxInflated: Int,
        limits: TarLimits,
        sink: (ArraySlice<UInt8>) throws(TarballError) -> Demand
    ) throws(TarballError) {
        let decompressor: ZlibDecompressor
        do {
            decompressor = try ZlibDecompressor(algorithm: algorithm)
        } catch {
            throw .corrupt("could not start the \(algorithm) decoder: \(error)")
        }
        var input = ByteBuffer(bytes: compressed)
        var output = ByteBufferAllocator().buffer(capacity: windowSize)
        var inflated = 0
        var demand = Demand.more

        while true {
            output.clear()
            let before = input.readerIndex
            var needsInput = false
            do {
                try decompressor.inflate(from: &input, to: &output)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // The window is full; more output is pending.
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                needsInput = true
            } catch let error as CompressNIOError where error == .corruptData {
                throw .corrupt("gzip data is corrupt at compressed offset \(input.readerIndex)")
            } catch {
                throw .corrupt("gzip decoding failed: \(error)")
            }
            let consumed = input.readerIndex - before
            let produced = output.readableBytes

            if produced > 0 {
                inflated += produced
                guard inflated <= maxInflated else {
                    throw .tooLarge("gzip stream inflates to more than \(maxInflated) bytes")
                }
                let (allowed, overflow) = limits.maxCompressionRatio.multipliedReportingOverflow(by: max(input.readerIndex, 1))
                if inflated > limits.ratioCheckThreshold, !overflow, inflated > allowed {
                    throw .tooLarge(
                        "compression ratio above \(limits.maxCompressionRatio):1 (\(inflated) bytes from \(input.readerIndex))"
                    )
                }
                if demand == .more {
                    let window = output.readBytes(length: produced) ?? []
                    demand = try sink(window[...])
                }
            }

            guard consumed == 0, produced == 0 else { continue }
            if needsInput {
                throw .corrupt("\(algorithm) stream is truncated")
            }
            // No progress and no error: zlib answered Z_STREAM_END, this member is complete.
            if demand == .more, algorithm == .gzip, isGzip(Array(input.readableBytesView.prefix(2))) {
                // Concatenated gzip members form one stream (as `gzip -d` reads them).
                do {
                    try decompressor.reset()
                } catch {
                    throw .corrupt("could not reset the gzip decoder: \(error)")
                }
                continue
            }
            // Anything after the last member is ignored, like gzip's "trailing garbage".
            return
        }
    }
}
