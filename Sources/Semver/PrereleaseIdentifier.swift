/// One dot-separated prerelease identifier. Numeric identifiers sort numerically and below
/// alphanumeric ones (semver 2.0 §11), which is why they are not kept as plain strings.
public enum PrereleaseIdentifier: Sendable, Hashable, Comparable, CustomStringConvertible {
    case numeric(UInt64)
    /// Any other identifier. Like node-semver, an all-digit identifier too large to be a safe
    /// integer is kept here as a string, but it still compares numerically.
    case alphanumeric(String)

    public var description: String {
        switch self {
        case .numeric(let n): return String(n)
        case .alphanumeric(let s): return s
        }
    }

    public static func < (lhs: PrereleaseIdentifier, rhs: PrereleaseIdentifier) -> Bool {
        compareIdentifiers(lhs.description, rhs.description) < 0
    }

    /// node-semver's `compareIdentifiers`, with exact (not floating-point) numeric comparison.
    static func compareIdentifiers(_ a: String, _ b: String) -> Int {
        let aNumeric = isAllDigits(a)
        let bNumeric = isAllDigits(b)
        if aNumeric && bNumeric {
            let x = a.drop(while: { $0 == "0" })
            let y = b.drop(while: { $0 == "0" })
            if x.utf8.count != y.utf8.count { return x.utf8.count < y.utf8.count ? -1 : 1 }
            if x == y { return 0 }
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
        }
        if aNumeric { return -1 }
        if bNumeric { return 1 }
        if a == b { return 0 }
        // JS compares strings by UTF-16 code units.
        return a.utf16.lexicographicallyPrecedes(b.utf16) ? -1 : 1
    }

    static func isAllDigits(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
