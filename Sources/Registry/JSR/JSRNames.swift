import Semver

/// jsr.io's naming rules: lowercase letters and digits in hyphen-separated runs, scopes 2–20
/// characters, packages 2–58; versions are strict, normalised semver.
public enum JSRNames {
    public static func scope(_ raw: String) throws(JSRError) -> String {
        let name = raw.hasPrefix("@") ? String(raw.dropFirst()) : raw
        guard isName(name), (2...20).contains(name.count) else {
            throw JSRError(.invalidScopeName, "invalid scope name '\(raw)': 2–20 characters of a-z, 0-9 and single hyphens, not starting or ending with a hyphen")
        }
        return name
    }

    public static func package(_ raw: String) throws(JSRError) -> String {
        guard isName(raw), (2...58).contains(raw.count) else {
            throw JSRError(.invalidPackageName, "invalid package name '\(raw)': 2–58 characters of a-z, 0-9 and single hyphens, not starting or ending with a hyphen")
        }
        return raw
    }

    /// A version in its normalised form only: `v1.2.3`, `1.2` and `01.2.3` are refused.
    public static func version(_ raw: String) throws(JSRError) -> Version {
        guard let version = Version(raw), version.description == raw else {
            throw JSRError(.invalidVersion, "invalid version '\(raw)': a normalised semver version such as 1.2.3 is required")
        }
        return version
    }

    static func isName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, first != UInt8(ascii: "-"), last != UInt8(ascii: "-") else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            let ok = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
            if !ok || (byte == UInt8(ascii: "-") && previous == UInt8(ascii: "-")) { return false }
            previous = byte
        }
        return true
    }
}
