import Foundation
import JSON

/// A `/generate` request read once, whatever carried it: a query string (comma lists, JSON-encoded
/// objects, `flag`, `flag=true` or `flag=1`), a JSON body, or `wharf generate`'s flags, each
/// given as fields of name → value (a query's values are strings).
public struct GenerateRequest: Sendable {
    public var options = GenerateOptions()
    /// `output=importmap`: only the map, as `application/importmap+json`.
    public var mapOnly = false
    /// Where the request came from: only `wharf generate` may name the local disk (`file:` URLs).
    public var origin = Origin.http

    public enum Origin: Sendable, Equatable {
        /// `GET`/`POST /generate`: no `file:` URL, and no working directory for relative ones.
        case http
        /// `wharf generate`, run in `workingDirectory` (JSPM's process base URL).
        case commandLine(workingDirectory: URL)
    }

    public init(options: GenerateOptions = GenerateOptions(), mapOnly: Bool = false) {
        self.options = options
        self.mapOnly = mapOnly
    }

    /// Reads every known field; the message of a bad one names it. A field Wharf does not implement
    /// is refused (`GenerateOptionKeys`), never ignored.
    public init(fields: [String: JSONValue], from origin: Origin = .http) throws(ImportMapError) {
        if let refusal = GenerateOptionKeys.refusal(of: fields) { throw refusal }
        self.origin = origin
        options.install = try Self.installs(fields["install"])
        guard !options.install.isEmpty else { throw ImportMapError(.invalid, "install names no package") }
        if let env = fields["env"] { options.env = Self.strings(env) }
        let provider = try Self.alias(fields, "provider", "defaultProvider")
        if let provider { options.provider = try Self.provider(provider) }
        try readProviders(fields)
        options.flattenScope = Self.flag(try Self.alias(fields, "flattenScope", "flattenScopes"))
        options.integrity = Self.flag(fields["integrity"])
        options.graph = Self.flag(fields["graph"])
        options.ignore = Set(Self.strings(fields["ignore"]))
        if let input = fields["inputMap"] { options.inputMap = try Self.object(input, field: "inputMap") }
        if provider == nil, let input = options.inputMap, let detected = Self.leadingProvider(of: input) { options.provider = detected }
        if let resolutions = fields["resolutions"] { options.resolutions = try Self.stringMap(try Self.object(resolutions, field: "resolutions")) }
        mapOnly = fields["output"]?.stringValue == "importmap"
        if let cache = fields["cache"] { options.offline = try Self.cacheMode(cache) }
        options.mapURLs = try Self.mapURLs(fields, from: origin)
        try readNodeModules(from: origin)
        try readShapeAndScopes(fields)
        options.installMode = try Self.installMode(latest: fields["latest"], freeze: fields["freeze"])
        if let lock = fields["lock"] { options.lock = try VersionLock.checked(try Self.object(lock, field: "lock")) }
        if let configs = fields["packageConfigs"] { options.packageConfigs = try Self.packageConfigs(try Self.object(configs, field: "packageConfigs")) }
        if let retries = fields["fetchRetries"] { options.fetchRetries = try Self.fetchRetries(retries) }
        options.typeScript = Self.flag(fields["typeScript"])
    }

    /// `mapUrl`, `baseUrl`, `rootUrl`: the one place `file:` URLs are refused over HTTP.
    private static func mapURLs(_ fields: [String: JSONValue], from origin: Origin) throws(ImportMapError) -> MapURLs {
        let keys = ["baseUrl", "mapUrl", "rootUrl"]
        var texts: [String: String] = [:]
        for key in keys {
            guard let value = fields[key] else { continue }
            guard let text = value.stringValue else { throw ImportMapError(.invalid, "\(key) must be a URL string") }
            texts[key] = text
        }
        let workingDirectory: URL? = switch origin {
        case .http: nil
        case .commandLine(let directory): directory
        }
        let urls = try MapURLs(mapUrl: texts["mapUrl"], baseUrl: texts["baseUrl"], rootUrl: texts["rootUrl"], processBase: workingDirectory)
        if origin == .http {
            for key in keys where texts[key] != nil && urls.resolved(key)?.isFileURL == true {
                throw ImportMapError(.invalid, "\(key): file: URLs are refused over HTTP (only wharf generate reads the local disk)")
            }
        }
        return urls
    }

    /// Retries per fetch one request may ask for: each waits up to the fetch deadline.
    public static let maxFetchRetries = 10

    /// generator 1.x's `latest` ("latest-primaries") and `freeze` ("freeze"); together they contradict.
    private static func installMode(latest: JSONValue?, freeze: JSONValue?) throws(ImportMapError) -> InstallMode {
        let latest = try strictFlag(latest, field: "latest"), freeze = try strictFlag(freeze, field: "freeze")
        if latest && freeze { throw ImportMapError(.invalid, "latest and freeze cannot be combined: latest bumps the versions freeze keeps") }
        return latest ? .latestPrimaries : freeze ? .freeze : .default
    }

    /// A flag that must be a boolean (or a query's `flag`, `true`, `1`, `false`, `0`).
    static func strictFlag(_ value: JSONValue?, field: String) throws(ImportMapError) -> Bool {
        switch value {
        case nil, .bool(false)?, .string("false")?, .string("0")?: return false
        case .bool(true)?, .string("")?, .string("true")?, .string("1")?: return true
        case let other?: throw ImportMapError(.invalid, "\(field) must be true or false, not \(other.display)")
        }
    }

    private static func fetchRetries(_ value: JSONValue) throws(ImportMapError) -> Int {
        let text: String? = switch value {
        case .number(let text), .string(let text): text
        default: nil
        }
        guard let text, let count = Int(text), (0...maxFetchRetries).contains(count) else {
            throw ImportMapError(.invalid, "fetchRetries must be a whole number from 0 to \(maxFetchRetries), not \(value.stringValue ?? value.display)")
        }
        return count
    }

    /// Package URL → package.json object or null. Only absolute URLs: a request has no base URL.
    private static func packageConfigs(_ value: JSONValue) throws(ImportMapError) -> [String: JSONValue] {
        guard let members = value.objectMembers else { throw ImportMapError(.invalid, "packageConfigs must be an object of package URL: package.json (or null)") }
        var configs: [String: JSONValue] = [:]
        for (key, config) in members {
            guard key.hasPrefix("https://") || key.hasPrefix("http://") else {
                throw ImportMapError(.invalid, "packageConfigs: '\(key)' is not an absolute http(s) package URL")
            }
            guard config == .null || config.objectMembers != nil else {
                throw ImportMapError(.invalid, "packageConfigs: the value for '\(key)' must be a package.json object or null")
            }
            configs[key] = config
        }
        return configs
    }

    /// `install`: strings (a comma list in a query), or JSPM's `Install` objects
    /// (`{"target", "alias"?, "subpath"?, "subpaths"?}`), one target per subpath.
    private static func installs(_ value: JSONValue?) throws(ImportMapError) -> [InstallTarget] {
        guard case .array(let items)? = value else {
            return try strings(value).map { text throws(ImportMapError) in try InstallTarget.parse(text) }
        }
        var targets: [InstallTarget] = []
        for item in items {
            if let text = item.stringValue {
                targets.append(try InstallTarget.parse(text))
                continue
            }
            guard let members = item.objectMembers else { throw ImportMapError(.invalid, "install: each entry is a string or {\"target\", \"alias\", \"subpaths\"}") }
            targets += try installObject(members)
        }
        return targets
    }

    private static func installObject(_ members: [(String, JSONValue)]) throws(ImportMapError) -> [InstallTarget] {
        var target: String?, alias: String?, subpaths: [String]?, all = false
        for (key, value) in members {
            switch key {
            case "target": target = value.stringValue
            case "alias":
                guard let text = value.stringValue, !text.isEmpty, !text.contains(" ") else { throw ImportMapError(.invalid, "install: alias must be a name") }
                alias = text
            case "subpaths" where value == .bool(true):
                guard subpaths == nil, !all else { throw ImportMapError(.invalid, "install: give subpath or subpaths, not both") }
                all = true
            case "subpath", "subpaths":
                guard subpaths == nil, !all else { throw ImportMapError(.invalid, "install: give subpath or subpaths, not both") }
                let list = key == "subpath" ? [value.stringValue].compactMap { $0 } : (value.arrayValues ?? []).compactMap(\.stringValue)
                guard !list.isEmpty, list.allSatisfy({ $0 == "." || $0.hasPrefix("./") }) else {
                    throw ImportMapError(.invalid, "install: \(key) must be \".\" or \"./path\" (a list of them for subpaths)")
                }
                subpaths = list
            default: throw ImportMapError(.invalid, "install: unknown key \(key)")
            }
        }
        guard let target else { throw ImportMapError(.invalid, "install: an object entry needs a target string") }
        var parsed = try InstallTarget.parse(target)
        if let alias { parsed.alias = alias }
        if all {
            guard parsed.subpath == ".", parsed.source == .npm else { throw ImportMapError(.invalid, "install: subpaths: true takes an npm package without a subpath, not '\(target)'") }
            parsed.allSubpaths = true
            return [parsed]
        }
        guard let subpaths else { return [parsed] }
        guard parsed.subpath == "." else { throw ImportMapError(.invalid, "install: '\(target)' names a subpath; give subpaths separately") }
        return subpaths.map { subpath in
            var one = parsed
            one.subpath = subpath
            return one
        }
    }

    /// JSPM's `cache`: `"offline"` (only the store), or `true` (the default: the store, then the
    /// upstream). `false` (never the store) is refused: Wharf is the cache.
    private static func cacheMode(_ value: JSONValue) throws(ImportMapError) -> Bool {
        switch value {
        case .string("offline"): return true
        case .bool(true), .string("true"), .string(""): return false
        case .bool(false), .string("false"): throw ImportMapError(.invalid, "unsupported option cache: false (Wharf always answers from its store first)")
        default: throw ImportMapError(.invalid, "cache must be \"offline\" or true, not \(value.display)")
        }
    }

    /// Wharf's (the seed's) name or JSPM's for one option; both may be given only alike.
    private static func alias(_ fields: [String: JSONValue], _ name: String, _ jspmName: String) throws(ImportMapError) -> JSONValue? {
        switch (fields[name], fields[jspmName]) {
        case (let value?, let other?) where value != other:
            throw ImportMapError(.invalid, "\(name) and \(jspmName) name the same option and differ")
        case (let value?, _), (nil, let value?): return value
        case (nil, nil): return nil
        }
    }

    private static func provider(_ value: JSONValue) throws(ImportMapError) -> Provider {
        guard let name = value.stringValue else { throw ImportMapError(.invalid, "provider must be a string") }
        return try Provider.forMap(named: name)
    }

    /// A list: an array of strings, or one comma-separated string.
    private static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: text.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        case .array(let items)?: items.compactMap(\.stringValue)
        default: []
        }
    }

    /// `true`, or in a query `flag`, `flag=true`, `flag=1`.
    static func flag(_ value: JSONValue?) -> Bool {
        switch value {
        case .bool(let on)?: on
        case .string(let text)?: text.isEmpty || text == "true" || text == "1"
        default: false
        }
    }

    /// An object, or (in a query) its JSON text.
    static func object(_ value: JSONValue, field: String) throws(ImportMapError) -> JSONValue {
        guard case .string(let text) = value else { return value }
        do {
            return try JSONValue.parse(text)
        } catch {
            throw ImportMapError(.invalid, "\(field): \(error.description)")
        }
    }

    private static func stringMap(_ value: JSONValue) throws(ImportMapError) -> [String: String] {
        guard let members = value.objectMembers else { throw ImportMapError(.invalid, "resolutions must be an object of name: version") }
        var result: [String: String] = [:]
        for (key, value) in members { result[key] = value.stringValue }
        return result
    }
}
