import EdgeCache
import Foundation
import Storage

/// Writes a rewritten map's files to a folder any static web server can host:
/// `DIR/{host}/{path}` for every file, and `DIR/importmap.json` pointing at `base`.
public struct MapExporter: Sendable {
    public let cache: EdgeCache

    public init(cache: EdgeCache) {
        self.cache = cache
    }

    /// Returns the number of files and bytes written.
    public func export(_ outcome: MapRewriter.Outcome, to directory: String) async throws(ImportMapError) -> (files: Int, bytes: Int) {
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        var files = 0, bytes = 0
        for url in outcome.packages.flatMap(\.urls) {
            let address: CacheAddress
            do {
                address = try DownloadListings.address(url, cache: cache)
            } catch {
                throw ImportMapError(.invalid, "cannot export \(url): \(error.message)")
            }
            // The path was checked by CacheAddress (no dot segments, no encoded slashes): it stays inside `root`.
            let target = root.appendingPathComponent(address.host).appendingPathComponent(String(address.path.dropFirst()))
            let body: [UInt8]
            do {
                body = try await DownloadListings.fetch(address, from: cache).bytes
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(body).write(to: target)
            } catch {
                throw ImportMapError(.upstream, "cannot export \(url): \(error)")
            }
            files += 1
            bytes += body.count
        }
        do {
            try Data(outcome.map.serialized(indent: 2).utf8).write(to: root.appendingPathComponent("importmap.json"))
        } catch {
            throw ImportMapError(.upstream, "cannot write importmap.json: \(error)")
        }
        return (files, bytes)
    }
}
