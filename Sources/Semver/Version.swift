/// A semantic version (semver 2.0) with node-semver's parsing and precedence rules.
/// Equality, hashing and ordering ignore build metadata, as precedence does (like `semver.eq`).
public struct Version: Sendable, Comparable, Hashable, CustomStringConvertible, Codable {
    public let major: UInt64
    public let minor: UInt64
    public let patch: UInt64
    public let prerelease: [PrereleaseIdentifier]
    /// Build metadata identifiers; kept for round-tripping but never used for precedence.
    public let build: [String]

    /// node-semver refuses version strings longer than this (`MAX_LENGTH`).
    public static let maxLength = 256
    /// Numeric parts above this are rejected, as in JavaScript (`Number.MAX_SAFE_INTEGER`).
    public static let maxSafeInteger: UInt64 = 9_007_199_254_740_991

    /// Memberwise initialiser. Not validated: callers constructing versions by hand are trusted
    /// to pass semver-legal identifiers.
    public init(
        _ major: UInt64, _ minor: UInt64, _ patch: UInt64,
        prerelease: [PrereleaseIdentifier] = [], build: [String] = []
    ) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// Strict parse: exactly `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`, no leading `v`/`=`, no
    /// surrounding whitespace, no leading zeros in numeric parts.
    public init?(_ string: String) {
        guard string.utf16.count <= Self.maxLength,
              let parsed = Self.parseBody(Array(string.utf8)[...]) else { return nil }
        self = parsed
    }

    /// Throwing variant of the strict parser, for callers that want an npm-style message.
    public static func parse(_ string: String) throws(SemverError) -> Version {
        guard let version = Version(string) else { throw .invalidVersion(string) }
        return version
    }

    /// Lenient parse with `semver.clean` semantics: trims whitespace and strips leading `=`/`v`
    /// (`" =v1.2.3 "` → `1.2.3`) but is otherwise as strict as `init?(_:)`.
    public static func parseLoose(_ string: String) -> Version? {
        let trimmed = JSString.trim(string)
        let stripped = String(trimmed.unicodeScalars.drop(while: { $0 == "=" || $0 == "v" }))
        return parseNode(stripped)
    }

    /// `new SemVer(string)` (non-loose) as node-semver does it: length check, trim, optional `v`.
    static func parseNode(_ string: String) -> Version? {
        guard string.utf16.count <= maxLength else { return nil }
        var bytes = Array(JSString.trim(string).utf8)[...]
        if bytes.first == UInt8(ascii: "v") { bytes = bytes.dropFirst() }
        return parseBody(bytes)
    }

    public var isPrerelease: Bool { !prerelease.isEmpty }

    /// node-semver's canonical `version` string: no build metadata.
    public var normalized: String {
        var s = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty {
            s += "-" + prerelease.map(\.description).joined(separator: ".")
        }
        return s
    }

    /// Full string including build metadata, so `Version(v.description) == v` round-trips.
    public var description: String {
        build.isEmpty ? normalized : normalized + "+" + build.joined(separator: ".")
    }

    /// Same version without prerelease and build (the `[major, minor, patch]` tuple).
    public var release: Version { Version(major, minor, patch) }

    // MARK: Precedence

    /// node-semver `compare`: -1, 0 or 1 (build metadata ignored).
    public func compare(to other: Version) -> Int {
        if major != other.major { return major < other.major ? -1 : 1 }
        if minor != other.minor { return minor < other.minor ? -1 : 1 }
        if patch != other.patch { return patch < other.patch ? -1 : 1 }
        switch (prerelease.isEmpty, other.prerelease.isEmpty) {
        case (true, true): return 0
        case (false, true): return -1
        case (true, false): return 1
        case (false, false): break
        }
        var i = 0
        while true {
            let a = i < prerelease.count ? prerelease[i] : nil
            let b = i < other.prerelease.count ? other.prerelease[i] : nil
            switch (a, b) {
            case (nil, nil): return 0
            case (_, nil): return 1
            case (nil, _): return -1
            case let (a?, b?):
                let c = PrereleaseIdentifier.compareIdentifiers(a.description, b.description)
                if c != 0 { return c }
            }
            i += 1
        }
    }

    public static func < (lhs: Version, rhs: Version) -> Bool { lhs.compare(to: rhs) < 0 }

    public static func == (lhs: Version, rhs: Version) -> Bool { lhs.compare(to: rhs) == 0 }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease.count)
        for id in prerelease {
            // Hash canonical text so hashing agrees with the string-based comparison.
            let text = id.description
            if PrereleaseIdentifier.isAllDigits(text) {
                hasher.combine(0 as UInt8)
                hasher.combine(String(text.drop(while: { $0 == "0" })))
            } else {
                hasher.combine(1 as UInt8)
                hasher.combine(text)
            }
        }
    }

    // MARK: Codable (as a string)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let version = Version(string) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Invalid version: \(string)")
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: Grammar

    /// `MAINVERSION PRERELEASE? BUILD?` of node-semver's `FULL` regex, anchored at both ends.
    private static func parseBody(_ input: ArraySlice<UInt8>) -> Version? {
        var bytes = input
        guard let major = parseMainNumber(&bytes), bytes.popFirst() == UInt8(ascii: "."),
              let minor = parseMainNumber(&bytes), bytes.popFirst() == UInt8(ascii: "."),
              let patch = parseMainNumber(&bytes) else { return nil }
        var prerelease: [PrereleaseIdentifier] = []
        var build: [String] = []
        if bytes.first == UInt8(ascii: "-") {
            bytes = bytes.dropFirst()
            repeat {
                let id = takeIdentifier(&bytes)
                guard !id.isEmpty else { return nil }
                let text = String(decoding: id, as: UTF8.self)
                if PrereleaseIdentifier.isAllDigits(text) {
                    if id.count > 1 && id.first == UInt8(ascii: "0") { return nil }
                    if let n = UInt64(text), n < maxSafeInteger {
                        prerelease.append(.numeric(n))
                    } else {
                        prerelease.append(.alphanumeric(text))
                    }
                } else {
                    prerelease.append(.alphanumeric(text))
                }
            } while bytes.first == UInt8(ascii: ".") && bytes.popFirst() != nil
        }
        if bytes.first == UInt8(ascii: "+") {
            bytes = bytes.dropFirst()
            repeat {
                let id = takeIdentifier(&bytes)
                guard !id.isEmpty else { return nil }
                build.append(String(decoding: id, as: UTF8.self))
            } while bytes.first == UInt8(ascii: ".") && bytes.popFirst() != nil
        }
        guard bytes.isEmpty else { return nil }
        return Version(major, minor, patch, prerelease: prerelease, build: build)
    }

    private static func parseMainNumber(_ bytes: inout ArraySlice<UInt8>) -> UInt64? {
        let digits = bytes.prefix(while: { $0 >= 0x30 && $0 <= 0x39 })
        guard !digits.isEmpty else { return nil }
        if digits.count > 1 && digits.first == UInt8(ascii: "0") { return nil }
        bytes = bytes.dropFirst(digits.count)
        guard digits.count <= 16, let n = UInt64(String(decoding: digits, as: UTF8.self)),
              n <= maxSafeInteger else { return nil }
        return n
    }

    /// `[a-zA-Z0-9-]+`
    private static func takeIdentifier(_ bytes: inout ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let id = bytes.prefix(while: { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D
        })
        bytes = bytes.dropFirst(id.count)
        return id
    }
}
