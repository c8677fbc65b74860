import JSON
/// What a package.json says about entry points and dependencies.
///
/// The entry-point fields are kept as raw `JSONValue`s (in key order) because `exports`,
/// `imports` and the object form of `browser` are walked by `PackageEntryResolver`.
public struct PackageManifest: Sendable {
    public var name: String?
    public var version: String?
    /// `exports` as written; `nil` when absent. `null` counts as absent (see `hasExports`).
    public var exports: JSONValue?
    /// `imports` (`#name` → target) as written.
    public var imports: JSONValue?
    /// `browser`: a string (the browser main) or an object remapping files (`false` = excluded).
    public var browser: JSONValue?
    public var module: String?
    public var main: String?
    /// `type`: `"module"` or `"commonjs"` (the default when absent).
    public var type: String?
    public var dependencies: [String: String]
    public var peerDependencies: [String: String]
    public var optionalDependencies: [String: String]

    /// Whether `exports` governs the package: Node ignores a missing or `null` `exports`.
    public var hasExports: Bool {
        guard let exports else { return false }
        return exports != .null
    }

    /// Whether `.js` files in the package are ES modules (`"type": "module"`).
    public var isModuleType: Bool { type == "module" }

    public init(json: JSONValue) {
        name = json["name"]?.stringValue
        version = json["version"]?.stringValue
        exports = json["exports"]
        imports = json["imports"]
        browser = json["browser"]
        module = json["module"]?.stringValue
        main = json["main"]?.stringValue
        type = json["type"]?.stringValue
        func table(_ key: String) -> [String: String] {
            var result: [String: String] = [:]
            for (name, value) in json[key]?.objectMembers ?? [] {
                if let range = value.stringValue { result[name] = range }
            }
            return result
        }
        dependencies = table("dependencies")
        peerDependencies = table("peerDependencies")
        optionalDependencies = table("optionalDependencies")
    }
}
