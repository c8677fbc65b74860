import Foundation
import ArgumentParser
import EdgeCache
import Storage
import URLLayout
import WharfServer

/// `wharf cache stats` and `wharf cache purge PREFIX`, on the store directly (the server may run).
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect or purge the edge cache.",
        subcommands: [Stats.self, Purge.self]
    )

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print what the store holds.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let configuration = try options.load()
            let stats = try await WharfComponents.using(configuration) { store in try store.cache.maintenance.statistics() }
            print("""
            store:           \(configuration.dataDirectory)
            entries:         \(stats.entries)
            files (unique):  \(stats.blobs.blobs)
            file bytes:      \(ByteCount(stats.blobs.bytes))
            unfinished:      \(stats.blobs.pending)
            map size:        \(ByteCount(stats.store.mapSize))
            map used:        \(ByteCount(stats.store.usedBytes))
            """)
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete cached entries whose URL starts with PREFIX.")
        @OptionGroup var options: ConfigurationOptions

        @Argument(help: "A host and path prefix, e.g. ga.jspm.io/npm:react@18 (a leading /cdn/ or https:// is ignored).")
        var prefix: String

        func run() async throws {
            let key = Self.normalise(prefix)
            guard !key.isEmpty else { throw ValidationError("PREFIX must name at least a host") }
            let configuration = try options.load()
            let purged = try await WharfComponents.using(configuration) { store in try await store.cache.maintenance.purge(prefix: key) }
            print("purged \(purged) \(purged == 1 ? "entry" : "entries") under \(key)")
        }

        static func normalise(_ prefix: String) -> String {
            var key = Substring(prefix)
            for lead in ["https://", "http://", WharfURLs.cdnPrefix, String(WharfURLs.cdnPrefix.dropFirst())] where key.hasPrefix(lead) { key = key.dropFirst(lead.count) }
            return String(key)
        }
    }
}

/// Bytes for people: 1.5 MiB.
struct ByteCount: CustomStringConvertible {
    let bytes: Int
    init(_ bytes: Int) { self.bytes = bytes }
    var description: String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
