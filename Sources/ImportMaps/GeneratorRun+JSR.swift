
/// `jsr:` and `npm:` imports of JSR modules, mapped as written (an import map can map any URL-like
/// specifier), in the importing package's scope on conflict.
extension GeneratorRun {
    /// A specifier in a JSR module: `jsr:` and `npm:` ones are chosen and mapped; other bare
    /// specifiers would need the package's own import map, which JSR packages cannot ship to browsers.
    mutating func resolveInJSR(_ specifier: String, importer: JSRInstalls.PackageRef) async throws(ImportMapError) -> String {
        let target: String
        if specifier.hasPrefix("jsr:") {
            let parsed = try InstallTarget.parse(specifier)
            target = try jsrInstalls.entry(try jsrInstalls.choose(parsed.name, range: parsed.range), subpath: parsed.subpath)
        } else if specifier.hasPrefix("npm:") {
            let parsed = try InstallTarget.parse(specifier)
            let label = parsed.range.map { "\(parsed.name)@\($0)" } ?? parsed.name
            target = try await entry(try await choose(parsed.name, range: parsed.range, label: label, scope: jsrInstalls.base(importer)), subpath: parsed.subpath)
        } else {
            throw ImportMapError(.notFound, "\(importer.label) imports '\(specifier)'; JSR packages must import jsr: or npm: specifiers to be mapped")
        }
        record(specifier, target: target, shared: urls.root, own: jsrInstalls.base(importer))
        return target
    }
}
