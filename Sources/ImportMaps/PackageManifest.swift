/// What a package.json says about entry points and dependencies.
public struct PackageManifest: Sendable {
    public var name: String?
    public var version: String?
    public var exports: JSONValue?
    public var imports: JSONValue?
    public var browser: JSONValue?
    public var module: String?
    public var main: String?
    public var dependencies: [String: String]
    public var peerDependencies: [String: String]
    public var optionalDependencies: [String: String]

    public var hasExports: Bool { exports != nil && exports != .null }

    public init(json: JSONValue) {
        name = json["name"]?.stringValue
        version = json["version"]?.stringValue
        exports = json["exports"]
        imports = json["imports"]
        browser = json["browser"]
        module = json["module"]?.stringValue
        main = json["main"]?.stringValue
        func table(_ key: String) -> [String: String] {
            var result: [String: String] = [:]
            for (name, value) in json[key]?.objectMembers ?? [] { result[name] = value.stringValue }
            return result
        }
        dependencies = table("dependencies")
        peerDependencies = table("peerDependencies")
        optionalDependencies = table("optionalDependencies")
    }
}
