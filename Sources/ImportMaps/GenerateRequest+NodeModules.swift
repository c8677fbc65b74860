import Foundation

/// The `nodemodules` provider reads `node_modules` folders from the disk `wharf generate` runs on;
/// over HTTP it is refused, as the issue asks: no request may make Wharf read its own disk.
extension GenerateRequest {
    mutating func readNodeModules(from origin: Origin) throws(ImportMapError) {
        guard options.provider == .nodeModules || options.providerRules.contains(where: { $0.provider == .nodeModules }) else { return }
        guard case .commandLine(let workingDirectory) = origin else {
            throw ImportMapError(.invalid, "provider nodemodules is refused over HTTP: only wharf generate reads the local disk")
        }
        // JSPM's default with neither mapUrl nor baseUrl: both are the process's working directory,
        // so the map's node_modules URLs are written relative to it.
        if options.mapURLs.baseUrl == nil {
            options.mapURLs = try MapURLs(mapUrl: nil, baseUrl: workingDirectory.absoluteString, rootUrl: nil, processBase: workingDirectory)
        }
        guard let base = options.mapURLs.baseUrl, base.isFileURL else {
            throw ImportMapError(.invalid, "provider nodemodules needs a file: baseUrl (the folder whose node_modules it reads)")
        }
        options.nodeModules = NodeModules(base: base)
    }
}
