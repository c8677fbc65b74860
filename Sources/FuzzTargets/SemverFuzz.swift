import Semver

/// npm versions and ranges from packuments and package.json: a version prints and parses back to
/// itself; ranges and specifiers parse or refuse, and matching never crashes.
enum SemverFuzz {
    static let probes = ["0.0.0", "1.2.3", "1.2.3-beta.1", "2.0.0", "10.20.30+build"].compactMap(Version.init)

    static func run(_ bytes: [UInt8]) {
        for line in bytes.lines.prefix(16) {
            if let version = Version(line) {
                require(Version(version.description) == version, "\(version) does not print and parse back")
                _ = version < probes[0]
            }
            if let range = try? Semver.Range(line) {
                for probe in probes { _ = range.satisfies(probe) }
            }
            _ = VersionSpecifier.parse(line).resolve(versions: probes, distTags: ["latest": "1.2.3"])
        }
    }
}
