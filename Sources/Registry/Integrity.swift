import Crypto
import Foundation

/// Subresource-integrity strings, as Eik and browsers use them: `sha512-<base64>`.
public enum Integrity {
    public static func sha512<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var hasher = SHA512()
        hasher.update(data: Array(bytes))
        return "sha512-" + Data(hasher.finalize()).base64EncodedString()
    }

    /// A version's integrity: sha512 over its files' SRI strings, sorted and concatenated.
    public static func ofFiles(_ fileIntegrities: [String]) -> String {
        sha512(fileIntegrities.sorted().joined().utf8)
    }
}
