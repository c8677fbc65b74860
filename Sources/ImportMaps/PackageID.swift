import Registry
import Semver

/// An npm package at an exact version: what a download listing and a rewrite work on.
public struct PackageID: Sendable, Hashable, CustomStringConvertible, Comparable {
    public let name: String
    public let version: Version

    /// Nil unless `version` is a full semver version and `name` looks like an npm name.
    public init?(name: String, version: String) {
        guard let version = Version(version), (try? PackageName(name)) != nil else { return nil }
        self.name = name
        self.version = version
    }

    /// `name@1.2.3` or `@scope/name@1.2.3`.
    public init?(_ spec: String) {
        let search = spec.hasPrefix("@") ? spec.dropFirst() : Substring(spec)
        guard let at = search.lastIndex(of: "@") else { return nil }
        self.init(name: String(spec[..<at]), version: String(spec[spec.index(after: at)...]))
    }

    public var description: String { "\(name)@\(version)" }

    public static func < (a: PackageID, b: PackageID) -> Bool { (a.name, a.version) < (b.name, b.version) }
}
