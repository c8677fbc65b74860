import JSON
import Semver

/// The versions a generation starts from, as JSPM Generator's installer holds them: the package
/// mappings of the input map and JSPM's `lock` (`LockResolutions`), and the install mode that
/// decides when they are kept (installer.ts). Input map entries that map no package version are
/// custom mappings, kept as written.
struct VersionLock: Sendable {
    var mode: InstallMode = .default
    /// 2.16.3's `inputMapFallbacks`: whether and when flattened locks serve a dependency.
    var fallbacks: InputMapFallbacks = .trusted
    /// Top-level locks: name → package (the input map's `imports`, `lock.primary`).
    var primary: [String: PackageID] = [:]
    /// Package scope URL → name → package (an input map's package scopes, `lock.secondary`).
    var secondary: [String: [String: PackageID]] = [:]
    /// Origin scope URL (`https://ga.jspm.io/`) → name → packages, first written first (`lock.flattened`).
    var flattened: [String: [String: [PackageID]]] = [:]
    /// The input map's `imports` that map a package: traced again with their version (JSPM's pins).
    var pins: [(key: String, name: String, subpath: String)] = []
    /// Input map entries that map no package version: they win over generated ones.
    var customImports: [(String, String)] = []
    var customScopes: [String: [String: String]] = [:]

    init() {}

    /// `locate` finds the package and file of a URL (nil for a URL of no known package layout).
    /// `canonical` writes a scope URL as traced ones are.
    init(inputMap: JSONValue?, lock: JSONValue?, mode: InstallMode, fallbacks: InputMapFallbacks = .trusted,
         canonical: (String) -> String, locate: (String) -> (PackageID, String)?) {
        self.mode = mode
        self.fallbacks = fallbacks
        if let lock { readLock(lock, locate: locate) }
        guard let inputMap else { return }
        for (key, value) in inputMap["imports"]?.objectMembers ?? [] {
            guard let url = value.stringValue else { continue }
            if let (package, subpath) = Self.packageEntry(key, url, locate: locate) {
                primary[package.name] = package
                pins.append((key, package.name, subpath))
            } else {
                customImports.append((key, url))
            }
        }
        for (written, members) in inputMap["scopes"]?.objectMembers ?? [] {
            let scope = canonical(written)
            for (key, value) in members.objectMembers ?? [] {
                guard let url = value.stringValue else { continue }
                if let (package, _) = Self.packageEntry(key, url, locate: locate) {
                    set(package, scope: scope)
                } else {
                    customScopes[scope, default: [:]][key] = url
                }
            }
        }
    }

    /// A bare key mapped to a file of the package it names: a lock (lock.ts keeps such "standard"
    /// resolutions as locks and the rest as custom mappings). Returns the package and key's subpath.
    private static func packageEntry(_ key: String, _ url: String, locate: (String) -> (PackageID, String)?) -> (PackageID, String)? {
        guard !key.hasPrefix("."), !key.hasPrefix("/"), !key.hasPrefix("#"), !key.contains(":"), !key.hasSuffix("/"),
              let (package, _) = locate(url) else { return nil }
        let (name, subpath) = GeneratorRun.split(key)
        return name == package.name ? (package, subpath) : nil
    }

    /// A scope whose path is `/` holds flattened locks (any package of that origin); others one package's.
    private mutating func set(_ package: PackageID, scope: String) {
        if Self.isOriginScope(scope) {
            addFlattened(package, scope: scope)
        } else {
            secondary[scope.hasSuffix("/") ? scope : scope + "/", default: [:]][package.name] = package
        }
    }

    private mutating func addFlattened(_ package: PackageID, scope: String, name: String? = nil) {
        let name = name ?? package.name
        if !(flattened[scope]?[name]?.contains(package) ?? false) { flattened[scope, default: [:]][name, default: []].append(package) }
    }

    private static func isOriginScope(_ scope: String) -> Bool {
        guard let schemeEnd = scope.range(of: "://") else { return false }
        let afterHost = scope[schemeEnd.upperBound...].drop { $0 != "/" }
        return afterHost == "/"
    }

    private mutating func readLock(_ lock: JSONValue, locate: (String) -> (PackageID, String)?) {
        for (name, resolution) in lock["primary"]?.objectMembers ?? [] {
            if let package = Self.installed(resolution, locate: locate) { primary[name] = package }
        }
        for (scope, members) in lock["secondary"]?.objectMembers ?? [] {
            for (name, resolution) in members.objectMembers ?? [] {
                if let package = Self.installed(resolution, locate: locate) { secondary[scope, default: [:]][name] = package }
            }
        }
        for (scope, members) in lock["flattened"]?.objectMembers ?? [] {
            for (name, list) in members.objectMembers ?? [] {
                for item in list.arrayValues ?? [] {
                    if let package = item["resolution"].flatMap({ Self.installed($0, locate: locate) }) { addFlattened(package, scope: scope, name: name) }
                }
            }
        }
    }

    /// `{installUrl, installSubpath}`: the package at `installUrl` (a package base URL).
    private static func installed(_ resolution: JSONValue, locate: (String) -> (PackageID, String)?) -> PackageID? {
        resolution["installUrl"]?.stringValue.flatMap(locate)?.0
    }

    /// Checks that `value` has the shape of lock.ts's `LockResolutions`, naming what is wrong.
    static func checked(_ value: JSONValue) throws(ImportMapError) -> JSONValue {
        guard let members = value.objectMembers else { throw ImportMapError(.invalid, "lock must be an object {primary, secondary, flattened}") }
        for (key, part) in members {
            switch key {
            case "primary":
                guard let installs = part.objectMembers, installs.allSatisfy({ isResolution($0.1) }) else {
                    throw ImportMapError(.invalid, "lock: primary must be an object of name: {installUrl, installSubpath}")
                }
            case "secondary":
                guard let scopes = part.objectMembers, scopes.allSatisfy({ $0.1.objectMembers?.allSatisfy { isResolution($0.1) } ?? false }) else {
                    throw ImportMapError(.invalid, "lock: secondary must be an object of package URL: {name: {installUrl, installSubpath}}")
                }
            case "flattened":
                guard let scopes = part.objectMembers, scopes.allSatisfy({ $0.1.objectMembers?.allSatisfy { list in
                    list.1.arrayValues?.allSatisfy { $0["export"]?.stringValue != nil && $0["resolution"].map(isResolution) == true } ?? false
                } ?? false }) else {
                    throw ImportMapError(.invalid, "lock: flattened must be an object of scope URL: {name: [{export, resolution}]}")
                }
            default: throw ImportMapError(.invalid, "lock: unknown key \(key) (LockResolutions has primary, secondary, flattened)")
            }
        }
        return value
    }

    private static func isResolution(_ value: JSONValue) -> Bool {
        guard let url = value["installUrl"]?.stringValue, url.hasSuffix("/") else { return false }
        switch value["installSubpath"] {
        case nil, .null?, .string?: return true
        default: return false
        }
    }

    // MARK: decisions (installer.ts `install` and `installTarget`)

    /// The lock a dependency of the package at `scope` already has, if it is to be kept: its own
    /// scope's when in `range` or frozen; else, as `fallbacks` allows, the first flattened lock of
    /// an enclosing scope (lock.ts `getFlattenedResolution`), kept in range, or frozen and trusted.
    func kept(_ name: String, range: Semver.Range?, scope: String) -> PackageID? {
        let inRange = { (package: PackageID) in range?.satisfies(package.version) ?? false }
        if let existing = secondary[scope]?[name], mode == .freeze || inRange(existing) { return existing }
        guard fallbacks != .ignored else { return nil }
        // The most specific enclosing scope first, as `enumerateParentScopes` walks them.
        for (flatScope, members) in flattened.sorted(by: { $0.key.count > $1.key.count }) where scope.hasPrefix(flatScope) {
            for candidate in members[name] ?? [] where fallbacks != .semverCompatible || inRange(candidate) {
                return (mode == .freeze && fallbacks == .trusted) || inRange(candidate) ? candidate : nil
            }
        }
        return nil
    }

    /// Every locked version of `name`, for the best existing match.
    func versions(of name: String) -> [Version] {
        let all = Array(primary.values) + secondary.values.flatMap(\.values) + flattened.values.flatMap { $0.values.joined() }
        return Array(Set(all.filter { $0.name == name }.map(\.version)))
    }

    /// Whether a top-level install may take an existing version (not under `latest`).
    var topLevelUsesExisting: Bool { mode != .latestPrimaries }
}
