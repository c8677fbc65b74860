/// What a dependency spec (`"^1.2.0"`, `"1.2.3"`, `"next"`) asks of a registry, classified the
/// way npm-package-arg does so it can be resolved like npm-pick-manifest.
public enum VersionSpecifier: Sendable, Hashable {
    case exact(Version)
    case range(Range)
    case tag(String)

    /// A version if it parses (`semver.clean` rules), else a range if it parses, else a tag.
    /// The empty string is the range `*`.
    public static func parse(_ spec: String) -> VersionSpecifier {
        let trimmed = JSString.trim(spec)
        if let version = Version.parseLoose(trimmed) { return .exact(version) }
        if let range = try? Range(trimmed) { return .range(range) }
        return .tag(trimmed)
    }

    /// npm-pick-manifest's core rule without manifest metadata (engines, deprecation, dates):
    /// tags look up `distTags`; ranges prefer the `latest` tag when it satisfies, else the
    /// highest satisfying version. `*`/empty accept `latest` unconditionally, as npm does.
    public func resolve(versions: [Version], distTags: [String: String]) -> Version? {
        switch self {
        case .exact(let version):
            return Self.find(version, in: versions)
        case .tag(let tag):
            if let target = distTags[tag] {
                guard let version = Version.parseLoose(target) else { return nil }
                return Self.find(version, in: versions)
            }
            // Missing `latest` tag: behave like the default spec `*`.
            return tag == "latest" ? VersionSpecifier.range(.any).resolve(versions: versions, distTags: distTags) : nil
        case .range(let range):
            if let latestText = distTags["latest"], let latest = Version.parseLoose(latestText),
               let found = Self.find(latest, in: versions),
               range.raw == "*" || range.raw.isEmpty || range.satisfies(found) {
                return found
            }
            return range.maxSatisfying(versions)
        }
    }

    /// Prefers an identical build-metadata match, since npm looks versions up by their string.
    private static func find(_ version: Version, in versions: [Version]) -> Version? {
        versions.first { $0 == version && $0.build == version.build } ?? versions.first { $0 == version }
    }
}
