import ArgumentParser
import EdgeCache
import Foundation
import ImportMaps
import JSON
import Logging
import Metrics
import Storage
import WharfServer

/// `wharf generate PKG…`: an import map for packages, generated on the local store (and through
/// the upstreams when online), as `/generate` does.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate an import map for packages (name, name@range, name/subpath, alias=name)."
    )

    @OptionGroup var options: ConfigurationOptions

    @Argument(help: "Install targets.")
    var packages: [String]

    @Option(help: "Conditions, comma-separated (default browser,development,module).")
    var env: String?

    @Option(help: "jspm.io (default), jspm.io#system, unpkg, jsdelivr, esm.sh or local (Wharf's own /cdn/ URLs).")
    var provider: String?

    @Option(help: #"JSPM's providers, as JSON: package name, @scope, npm: or name@range → provider ({"@org":"unpkg"})."#)
    var providers: String?

    @Option(name: .customLong("provider-config"), help: #"JSPM's providerConfig, as JSON ({"jspm.io":{"cdnUrl":"https://mirror/"}})."#)
    var providerConfig: String?

    @Option(name: .customLong("default-registry"), help: "JSPM's defaultRegistry (npm, the default, is the one Wharf resolves).")
    var defaultRegistry: String?

    @Flag(name: .customLong("flatten-scope"), help: "Only imports, no scopes, where no version conflicts.")
    var flattenScope = false

    @Flag(help: "Add sha384 integrity for every traced module.")
    var integrity = false

    @Flag(help: "Never contact an upstream; use only what the store holds.")
    var offline = false

    @Option(name: .shortAndLong, help: "Write the map here instead of standard output.")
    var output: String?

    func run() async throws {
        var configuration = try options.load()
        if offline { configuration.offline = true }
        // The flags are read as the fields of a `/generate` request, by the one options reader.
        var fields: [String: JSONValue] = ["install": .array(packages.map(JSONValue.string)), "flattenScope": .bool(flattenScope), "integrity": .bool(integrity)]
        if let env { fields["env"] = .string(env) }
        if let provider { fields["provider"] = .string(provider) }
        if let providers { fields["providers"] = .string(providers) }
        if let providerConfig { fields["providerConfig"] = .string(providerConfig) }
        if let defaultRegistry { fields["defaultRegistry"] = .string(defaultRegistry) }
        let generate: GenerateOptions
        do {
            generate = try GenerateRequest(fields: fields).options
        } catch {
            throw ValidationError(error.message)
        }

        let result = try await WharfComponents.using(configuration) { store in
            do throws(ImportMapError) { return try await store.generator.generate(generate) } catch { throw ValidationError(error.message) }
        }
        let text = result.map.serialized(indent: 2) + "\n"
        if let output {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            FileHandle.standardError.write(Data("wrote \(output): \(result.staticDeps.count) static and \(result.dynamicDeps.count) dynamic modules\n".utf8))
        } else {
            print(text, terminator: "")
        }
    }
}
