/// An npm version range (`^1.2.3 || >=2.0.0 <3`, `1.x`, `1.2 - 2`, …), desugared at init into
/// node-semver's comparator sets so that matching is a cheap loop over plain comparisons.
public struct Range: Sendable, Hashable, CustomStringConvertible, Codable {
    /// The input with whitespace collapsed (node-semver's `range.raw`).
    public let raw: String
    /// OR-ed sets of AND-ed comparators, desugared as node-semver does by default.
    public let comparatorSets: [[Comparator]]
    /// The same range desugared with `includePrerelease: true`, which node-semver does
    /// differently (e.g. `1.x` → `>=1.0.0-0 <2.0.0-0`), so it is precomputed rather than derived.
    public let prereleaseComparatorSets: [[Comparator]]

    /// Parses full npm range syntax; throws `SemverError` (kind `.invalidRange`, or the
    /// comparator/version error that made it invalid) where node-semver's `new Range` throws.
    public init(_ string: String) throws(SemverError) {
        let raw = JSString.collapseWhitespace(string)
        self.raw = raw
        comparatorSets = try Self.wrap(raw) { () throws(SemverError) in
            try RangeParser.parse(raw: raw, includePrerelease: false)
        }
        prereleaseComparatorSets = (try? RangeParser.parse(raw: raw, includePrerelease: true))
            ?? comparatorSets
    }

    private static func wrap(
        _ raw: String, _ body: () throws(SemverError) -> [[Comparator]]
    ) throws(SemverError) -> [[Comparator]] {
        do {
            return try body()
        } catch {
            if error.kind == .invalidRange { throw error }
            throw SemverError(kind: .invalidRange, message: "Invalid range: \(raw) (\(error.message))")
        }
    }

    /// The range that matches every non-prerelease version (`*`).
    public static let any = try! Range("*")

    /// node-semver's `range.range`: the desugared form, `""` when it matches anything.
    public var normalized: String { Self.format(comparatorSets) }

    /// Desugared form as `semver.validRange` prints it (`*` instead of the empty string).
    public var description: String {
        let s = normalized
        return s.isEmpty ? "*" : s
    }

    /// Desugared form for the given prerelease mode.
    public func normalized(includePrerelease: Bool) -> String {
        Self.format(includePrerelease ? prereleaseComparatorSets : comparatorSets)
    }

    private static func format(_ sets: [[Comparator]]) -> String {
        JSString.trim(sets.map { JSString.trim($0.map(\.description).joined(separator: " ")) }
            .joined(separator: "||"))
    }

    /// npm's `semver.satisfies`. A prerelease version only matches when a comparator of the same
    /// set carries a prerelease on the same `major.minor.patch`, unless `includePrerelease`.
    public func satisfies(_ version: Version, includePrerelease: Bool = false) -> Bool {
        let sets = includePrerelease ? prereleaseComparatorSets : comparatorSets
        return sets.contains { Self.test(set: $0, version, includePrerelease: includePrerelease) }
    }

    private static func test(set: [Comparator], _ version: Version, includePrerelease: Bool) -> Bool {
        for comparator in set where !comparator.test(version) { return false }
        if version.isPrerelease && !includePrerelease {
            for comparator in set {
                guard let allowed = comparator.version, allowed.isPrerelease else { continue }
                if allowed.major == version.major && allowed.minor == version.minor
                    && allowed.patch == version.patch {
                    return true
                }
            }
            return false
        }
        return true
    }

    /// Highest satisfying version; on precedence ties the first one seen wins, like npm.
    public func maxSatisfying(_ versions: some Sequence<Version>, includePrerelease: Bool = false) -> Version? {
        var best: Version?
        for v in versions where satisfies(v, includePrerelease: includePrerelease) {
            if best == nil || best!.compare(to: v) < 0 { best = v }
        }
        return best
    }

    /// Lowest satisfying version; on precedence ties the first one seen wins, like npm.
    public func minSatisfying(_ versions: some Sequence<Version>, includePrerelease: Bool = false) -> Version? {
        var best: Version?
        for v in versions where satisfies(v, includePrerelease: includePrerelease) {
            if best == nil || best!.compare(to: v) > 0 { best = v }
        }
        return best
    }

    // MARK: Hashable — by meaning (desugared sets), not spelling.

    public static func == (lhs: Range, rhs: Range) -> Bool {
        lhs.comparatorSets == rhs.comparatorSets
            && lhs.prereleaseComparatorSets == rhs.prereleaseComparatorSets
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(comparatorSets)
        hasher.combine(prereleaseComparatorSets)
    }

    // MARK: Codable (as the raw string)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        do {
            self = try Range(string)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(raw)
    }
}
