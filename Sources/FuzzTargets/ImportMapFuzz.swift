import ImportMaps
import JSON

/// Import maps given to `/rewrite` and `/generate`: moving a map's URLs keeps its shape (the same
/// keys in the same order), and install targets parse or refuse.
enum ImportMapFuzz {
    static func run(_ bytes: [UInt8]) {
        if let map = try? JSONValue.parse(bytes) {
            var urls: [String] = []
            MapRewriter.visitURLs(in: map) { urls.append($0) }
            for url in urls.prefix(200) { _ = MapRewriter.locate(url) }
            let moved = MapRewriter.mapURLs(in: map) { url in
                MapRewriter.locate(url) == nil ? url : MapRewriter.relocate(url, to: "http://wharf.test/cdn")
            } keys: { key in
                MapRewriter.isCDNPrefix(key) ? MapRewriter.relocate(key, to: "http://wharf.test/cdn") : key
            }
            require(moved.objectMembers?.map(\.0) == map.objectMembers?.map(\.0), "the map's members changed")
            require(moved["imports"]?.objectMembers?.count == map["imports"]?.objectMembers?.count, "imports were lost or added")
        }
        for line in bytes.lines.prefix(16) { _ = try? InstallTarget.parse(line) }
    }
}
