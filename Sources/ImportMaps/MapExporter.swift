import EdgeCache
import Foundation
import JSON
import Storage

/// Writes a rewritten map's files to a folder any static web server can host:
/// `DIR/{host}/{path}` for every file, and `DIR/importmap.json` pointing at `base`.
public struct MapExporter: Sendable {
    public let fetcher: ModuleFetcher

    public init(fetcher: ModuleFetcher) {
        self.fetcher = fetcher
    }

    /// Returns the number of files and bytes written, and the map written beside them. Files are Wharf's served bytes (relinked
    /// modules included). A module whose name has no known extension (esm.sh's `/react@18.2.0`)
    /// is written as `{name}.js`, and the map points there: a static server types files by their
    /// extension, and browsers run modules only when typed as JavaScript.
    public func export(_ outcome: MapRewriter.Outcome, to directory: String) async throws(ImportMapError) -> (files: Int, bytes: Int, map: JSONValue) {
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        var files = 0, bytes = 0
        var renamed: [String: String] = [:]
        for url in outcome.packages.flatMap(\.urls) {
            let address: CacheAddress
            do {
                address = try fetcher.address(url)
            } catch {
                throw ImportMapError(.invalid, "cannot export \(url): \(error.message)")
            }
            let fetched = try await fetcher.fetch(address)
            var path = String(address.path.dropFirst())
            if fetched.contentType.map(MediaType.isJavaScript) == true, Self.hasNoKnownExtension(path) {
                renamed["\(outcome.target)/\(address.host)\(address.encodedPath)"] = "\(outcome.target)/\(address.host)\(address.encodedPath).js"
                path += ".js"
            }
            // The path was checked by CacheAddress (no dot segments, no encoded slashes): it stays inside `root`.
            let target = root.appendingPathComponent(address.host).appendingPathComponent(path)
            do {
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(fetched.bytes).write(to: target)
            } catch {
                throw ImportMapError(.upstream, "cannot export \(url): \(error)")
            }
            files += 1
            bytes += fetched.bytes.count
        }
        let map = renamed.isEmpty ? outcome.map : MapRewriter.mapURLs(in: outcome.map) { renamed[$0] ?? $0 }
        do {
            try Data(map.serialized(indent: 2).utf8).write(to: root.appendingPathComponent("importmap.json"))
        } catch {
            throw ImportMapError(.upstream, "cannot write importmap.json: \(error)")
        }
        return (files, bytes, map)
    }

    /// `react@18.2.0`: a static server could not tell its type from the name.
    static func hasNoKnownExtension(_ path: String) -> Bool {
        MediaType.forPath(path) == "application/octet-stream"
    }
}
