/// A package's files as the jspm.io download API lists them: a root URL and paths relative to it.
public struct PackageListing: Sendable, Equatable {
    public var pkgUrl: String
    public var files: [String]
}

/// What `exclude` may drop from a listing.
public enum ListingExclusion: String, Sendable, CaseIterable {
    case unused, types, sourcemaps, readme, license

    func drops(_ file: String) -> Bool {
        let name = (file.split(separator: "/").last.map(String.init) ?? file).lowercased()
        switch self {
        case .types: return name.hasSuffix(".d.ts") || name.hasSuffix(".d.mts") || name.hasSuffix(".d.cts")
        case .sourcemaps: return name.hasSuffix(".map")
        case .readme: return name.hasPrefix("readme")
        case .license: return name.hasPrefix("license") || name.hasPrefix("licence")
        case .unused: return false
        }
    }
}
