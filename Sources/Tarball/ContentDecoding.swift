import CompressNIO

/// HTTP content codings (RFC 9110 §8.4.1) that zlib decodes: `gzip` (and `x-gzip`) and `deflate`
/// (zlib-wrapped, or raw as some servers send it). Used for upstream bodies that arrive encoded
/// although Wharf asked for `identity`: they are stored decoded, never as mislabelled bytes.
public enum ContentDecoding {
    /// The codings `decode` handles; anything else (`br`, `zstd`, `compress`) must be refused.
    public static func canDecode(_ coding: String) -> Bool {
        ["gzip", "x-gzip", "deflate"].contains(coding)
    }

    /// The decoded bytes; refuses output over `maxSize` (a bomb) and corrupt or truncated input.
    public static func decode(_ encoded: [UInt8], coding: String, maxSize: Int) throws(TarballError) -> [UInt8] {
        let algorithm: ZlibAlgorithm
        switch coding {
        case "gzip", "x-gzip": algorithm = .gzip
        case "deflate": algorithm = isZlibWrapped(encoded) ? .zlib : .deflate
        default: throw .corrupt("content coding '\(coding)' cannot be decoded")
        }
        var limits = TarLimits.default
        limits.maxCompressionRatio = 1000
        var decoded: [UInt8] = []
        try GzipInflater.inflate(encoded, algorithm: algorithm, maxInflated: maxSize, limits: limits) { window in
            decoded += window
            return .more
        }
        return decoded
    }

    /// A zlib header: compression method 8 and a check value divisible by 31 (RFC 1950).
    static func isZlibWrapped(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] & 0x0F == 8 && (UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 31 == 0
    }
}
