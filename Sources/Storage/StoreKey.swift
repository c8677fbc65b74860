import Crypto

/// Builds LMDB keys. Keys over LMDB's 511-byte limit keep their first 447 bytes (so prefix scans
/// still find them) followed by a NUL and the SHA-256 of the whole key (so they stay unique).
public enum StoreKey {
    public static let maxLength = 511
    public static let keptPrefixLength = 447

    public static func make(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let key = Array(bytes)
        guard key.count > maxLength else { return key }
        var hashed = Array(key.prefix(keptPrefixLength))
        hashed.append(0)
        hashed.append(contentsOf: SHA256.hash(data: key))
        return hashed
    }

    public static func make(_ string: String) -> [UInt8] {
        make(string.utf8)
    }
}
