import ArgumentParser
import EdgeCache
import Foundation
import ImportMaps
import JSON
import Logging
import Metrics
import Storage
import URLLayout
import WharfServer

/// `wharf generate PKG…`: an import map for packages, generated on the local store (and through
/// the upstreams when online), or by a running Wharf (`--server`), as `/generate` does.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate an import map for packages (name, name@range, name/subpath, alias=name)."
    )

    @OptionGroup var options: ConfigurationOptions

    @OptionGroup var upstreams: UpstreamOptions

    @Argument(help: "Install targets.")
    var packages: [String]

    @Option(help: "Conditions, comma-separated (default browser,development,module).")
    var env: String?

    @Option(help: "jspm.io (default), jspm.io#system, unpkg, jsdelivr, esm.sh, deno, local (Wharf's own /cdn/ URLs) or nodemodules (node_modules folders on disk, looked up from --base-url, default the working directory).")
    var provider: String?

    @Option(help: #"JSPM's providers, as JSON: package name, @scope, npm: or name@range → provider ({"@org":"unpkg"})."#)
    var providers: String?

    @Option(name: .customLong("provider-config"), help: #"JSPM's providerConfig, as JSON ({"jspm.io":{"cdnUrl":"https://mirror/"}})."#)
    var providerConfig: String?

    @Option(name: .customLong("default-registry"), help: "JSPM's defaultRegistry (npm, the default, is the one Wharf resolves).")
    var defaultRegistry: String?

    @Flag(name: .customLong("flatten-scope"), help: "Only imports, no scopes, where no version conflicts.")
    var flattenScope = false

    @Flag(name: .customLong("typescript"), help: "Trace .ts and .mts modules of every provider (deno.land's always are); type-only imports are left out.")
    var typeScript = false

    @Flag(help: "Add sha384 integrity for every traced module.")
    var integrity = false

    @Flag(help: "Never contact an upstream; use only what the store holds.")
    var offline = false

    @Option(name: .customLong("map-url"), help: "Where the map will live (file: allowed): URLs on its origin are written relative to it.")
    var mapUrl: String?

    @Option(name: .customLong("base-url"), help: "The base relative --map-url and --root-url resolve against (default: the map's folder).")
    var baseUrl: String?

    @Option(name: .customLong("root-url"), help: "URLs under this one are written root-relative (/…).")
    var rootUrl: String?

    @Flag(name: .customLong("combine-subpaths"), help: "One pkg/ mapping for a package's subpaths in a scope, where equivalent (the default).")
    var combineSubpaths = false

    @Option(name: .customLong("combine-subpaths-in"), help: "Where to combine subpaths: scopes (the default), both (imports too) or none.")
    var combineSubpathsIn: String?

    @Flag(name: .customLong("expand-wildcards"), help: "One mapping per file under a * export, instead of one pkg/folder/ mapping.")
    var expandWildcards = false

    @Option(name: .customLong("input-map-fallbacks"), help: "Flattened-scope locks of the input map: true (the default), false or semver-compatible.")
    var inputMapFallbacks: String?

    @Option(name: .customLong("linked-scopes"), help: #"Primary package URL → package URLs that take its dependency ranges and locks, as JSON ({"https://…/a@1/":["https://…/b@1/"]})."#)
    var linkedScopes: String?

    @Flag(name: .customLong("dependency-cache"), help: "Add dependencyCache: each traced module's direct dependencies.")
    var dependencyCache = false

    @Option(name: .customLong("input-map"), help: "An import map (JSON file) whose mappings are kept and whose versions are locks.")
    var inputMap: String?

    @Option(help: "A JSPM lock (JSON file: {primary, secondary, flattened}) to resolve versions from.")
    var lock: String?

    @Flag(help: "Top-level installs take the latest version in range, even where the input map has one.")
    var latest = false

    @Flag(help: "Never change a version the input map or lock has.")
    var freeze = false

    @Option(help: "Package name → version or range for every install, as JSON ({\"react\":\"18.2.0\"}).")
    var resolutions: String?

    @Option(help: "Specifiers to leave out of the map and the trace, comma-separated.")
    var ignore: String?

    @Option(name: .customLong("package-configs"), help: "Package URL → package.json to use instead (or null), as JSON.")
    var packageConfigs: String?

    @Option(name: .customLong("fetch-retries"), help: "Fetch again this many times when an upstream fetch fails on the way (default 3).")
    var fetchRetries: String?

    @Option(help: "A running Wharf to ask (POST /generate); without it the local store is used.")
    var server: String?

    @Option(name: .shortAndLong, help: "Write the map here instead of standard output.")
    var output: String?

    func validate() throws {
        if combineSubpaths && combineSubpathsIn != nil { throw ValidationError("give --combine-subpaths or --combine-subpaths-in, not both") }
        if server != nil && !upstreams.upstreams.isEmpty { throw ValidationError("--upstream configures the local store; the server has its own upstreams") }
    }

    func run() async throws {
        let fields = try self.fields()
        // The flags are read as the fields of a `/generate` request, by the one options reader.
        let generate: GenerateOptions
        do {
            let workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            generate = try GenerateRequest(fields: fields, from: .commandLine(workingDirectory: workingDirectory)).options
        } catch {
            throw ValidationError(error.message)
        }

        let result: (map: JSONValue, summary: String)
        if let server {
            result = try await remote(fields, server: server)
        } else {
            var configuration = try options.load()
            if offline { configuration.offline = true }
            try upstreams.apply(to: &configuration)
            let generated = try await WharfComponents.using(configuration) { store in
                do throws(ImportMapError) { return try await store.generator.generate(generate) } catch { throw ValidationError(error.message) }
            }
            result = (generated.map, "\(generated.staticDeps.count) static and \(generated.dynamicDeps.count) dynamic modules")
        }
        let text = result.map.serialized(indent: 2) + "\n"
        if let output {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            FileHandle.standardError.write(Data("wrote \(output): \(result.summary)\n".utf8))
        } else {
            print(text, terminator: "")
        }
    }

    /// The request's fields: each flag given, under its option's JSPM name.
    private func fields() throws -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["install": .array(packages.map(JSONValue.string)), "flattenScope": .bool(flattenScope), "integrity": .bool(integrity)]
        if let env { fields["env"] = .string(env) }
        if let provider { fields["provider"] = .string(provider) }
        if let providers { fields["providers"] = .string(providers) }
        if let providerConfig { fields["providerConfig"] = .string(providerConfig) }
        if let defaultRegistry { fields["defaultRegistry"] = .string(defaultRegistry) }
        if latest { fields["latest"] = .bool(true) }
        if typeScript { fields["typeScript"] = .bool(true) }
        if freeze { fields["freeze"] = .bool(true) }
        if let inputMap { fields["inputMap"] = try Self.jsonFile(inputMap, flag: "--input-map") }
        if let lock { fields["lock"] = try Self.jsonFile(lock, flag: "--lock") }
        if let resolutions { fields["resolutions"] = .string(resolutions) }
        if let ignore { fields["ignore"] = .string(ignore) }
        if let packageConfigs { fields["packageConfigs"] = .string(packageConfigs) }
        if let fetchRetries { fields["fetchRetries"] = .string(fetchRetries) }
        for (key, value) in [("mapUrl", mapUrl), ("baseUrl", baseUrl), ("rootUrl", rootUrl)] { if let value { fields[key] = .string(value) } }
        if combineSubpaths { fields["combineSubpaths"] = .bool(true) }
        if let combineSubpathsIn { fields["combineSubpaths"] = .string(combineSubpathsIn) }
        if expandWildcards { fields["expandWildcards"] = .bool(true) }
        if let inputMapFallbacks { fields["inputMapFallbacks"] = .string(inputMapFallbacks) }
        if let linkedScopes { fields["linkedScopes"] = .string(linkedScopes) }
        if dependencyCache { fields["dependencyCache"] = .bool(true) }
        if offline && server != nil { fields["cache"] = .string("offline") }
        return fields
    }

    private static func jsonFile(_ path: String, flag: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(flag): cannot read \(path)") }
        do { return try JSONValue.parse(Array(data)) } catch { throw ValidationError("\(flag) \(path): \(error)") }
    }

    /// Through a running server's `POST /generate`, with the same fields.
    private func remote(_ fields: [String: JSONValue], server: String) async throws -> (map: JSONValue, summary: String) {
        let body = JSONValue.object(fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let (status, answer) = try await ServerClient.post(body, to: WharfURLs.generatePath, server: server)
        guard status == 200, let map = answer["map"] else {
            throw ValidationError("\(server) answered \(status): \(answer["error"]?.stringValue ?? answer.serialized())")
        }
        let count = { (key: String) in answer[key]?.arrayValues?.count ?? 0 }
        return (map, "\(count("staticDeps")) static and \(count("dynamicDeps")) dynamic modules, generated by \(server)")
    }
}
