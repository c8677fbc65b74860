import Crypto
import Foundation

/// Subresource-integrity strings, as Eik and browsers use them: `sha512-<base64>`.
public enum Integrity {
    public static func sha512<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var hasher = SHA512()
        hasher.update(data: Array(bytes))
        return "sha512-" + Data(hasher.finalize()).base64EncodedString()
    }

    /// `{algorithm}-<base64>` for sha256, sha384 or sha512 (the algorithms SRI allows); nil for others.
    public static func of<Bytes: Sequence<UInt8>>(_ bytes: Bytes, algorithm: String) -> String? {
        let data = Array(bytes)
        let digest: [UInt8]
        switch algorithm {
        case "sha256": digest = Array(SHA256.hash(data: data))
        case "sha384": digest = Array(SHA384.hash(data: data))
        case "sha512": digest = Array(SHA512.hash(data: data))
        default: return nil
        }
        return algorithm + "-" + Data(digest).base64EncodedString()
    }

    /// A version's integrity: sha512 over its files' SRI strings, sorted and concatenated.
    public static func ofFiles(_ fileIntegrities: [String]) -> String {
        sha512(fileIntegrities.sorted().joined().utf8)
    }
}
