import Foundation
import JSON
import Testing
@testable import ImportMaps

/// How a map's URLs are written for `mapUrl`, `baseUrl` and `rootUrl`: JSPM Generator 2.16.3's
/// defaults (jspm/jspm generator/src/generator.ts, the Generator constructor, unchanged since 2.5.1)
/// and @jspm/import-map's `rebase`, `resolve` and `combineSubpaths` (jspm/jspm import-map/, 1.5.0,
/// which 2.16.3 depends on; its test/cases/*.js), each case from their sources or tests.
@Suite struct MapURLsTests {
    static func url(_ text: String) -> URL { URL(string: text)! }

    static func urls(map: String? = nil, base: String? = nil, root: String? = nil, cwd: String? = nil) throws -> MapURLs {
        try MapURLs(mapUrl: map, baseUrl: base, rootUrl: root, processBase: cwd.map(Self.url))
    }

    /// @jspm/import-map test/cases/rebase-url.js: a URL above the root is written with `/../`.
    @Test func aURLAboveTheRootClimbsFromIt() {
        #expect(MapURLs.rebase("file:///test/", mapDirectory: Self.url("file:///test/a/"), rootUrl: Self.url("file:///test/a/")) == "/../")
        #expect(MapURLs.rebase("file:///test/", mapDirectory: Self.url("file:///test/a/"), rootUrl: Self.url("file:///test/a/b/")) == "/../../")
    }

    /// @jspm/import-map test/cases/rebase-map.js: a map read at https://site.com/ (no root) and
    /// rebased to https://another.com/: URLs of the new origin become relative, others absolute.
    @Test func rebasingAMapToAnotherOrigin() {
        let site = Self.url("https://site.com/"), another = Self.url("https://another.com/")
        let move = { (text: String) in MapURLs.rebase(MapURLs.resolve(text, mapDirectory: site, rootUrl: nil), mapDirectory: another, rootUrl: nil) }
        #expect(move("./some") == "https://site.com/some")
        #expect(move("./another") == "https://site.com/another")
        #expect(move("https://another.com/x") == "./x")
        #expect(move("./y") == "https://site.com/y")
        #expect(move("https://another.com/") == "./")
        #expect(move("./url.js") == "https://site.com/url.js")
    }

    /// import-map's `relative`: from the map's directory, `../` per directory left, else `./`.
    @Test func sameOriginURLsAreWrittenRelativeToTheMapsDirectory() {
        let directory = Self.url("http://wharf.test/site/sub/")
        #expect(MapURLs.rebase("http://wharf.test/cdn/ga.jspm.io/npm:x@1.0.0/a.js", mapDirectory: directory, rootUrl: nil) == "../../cdn/ga.jspm.io/npm:x@1.0.0/a.js")
        #expect(MapURLs.rebase("http://wharf.test/site/sub/a.js?v=1", mapDirectory: directory, rootUrl: nil) == "./a.js?v=1")
        #expect(MapURLs.rebase("http://wharf.test/site/sub/", mapDirectory: directory, rootUrl: nil) == "./")
        #expect(MapURLs.rebase("http://wharf.test/site/other/b.js", mapDirectory: directory, rootUrl: nil) == "../other/b.js")
        #expect(MapURLs.rebase("https://ga.jspm.io/npm:x@1.0.0/a.js", mapDirectory: directory, rootUrl: nil) == "https://ga.jspm.io/npm:x@1.0.0/a.js", "another origin")
        #expect(MapURLs.rebase("http://wharf.test:8080/a.js", mapDirectory: directory, rootUrl: nil) == "http://wharf.test:8080/a.js", "another port")
        #expect(MapURLs.rebase("node:fs", mapDirectory: directory, rootUrl: nil) == "node:fs")
        // The root wins over the map's directory (GeneratorOptions.rootUrl: "takes precedence over mapUrl").
        #expect(MapURLs.rebase("http://wharf.test/cdn/a.js", mapDirectory: directory, rootUrl: Self.url("http://wharf.test/")) == "/cdn/a.js")
    }

    /// import-map's `resolve`: `/x` against the root (left as written without one), others against the map.
    @Test func resolvingAgainstTheMapAndTheRoot() {
        let directory = Self.url("http://wharf.test/site/")
        #expect(MapURLs.resolve("./a.js", mapDirectory: directory, rootUrl: nil) == "http://wharf.test/site/a.js")
        #expect(MapURLs.resolve("../b.js", mapDirectory: directory, rootUrl: nil) == "http://wharf.test/b.js")
        #expect(MapURLs.resolve("/c.js", mapDirectory: directory, rootUrl: nil) == "/c.js")
        #expect(MapURLs.resolve("/c.js", mapDirectory: directory, rootUrl: Self.url("http://wharf.test/root/")) == "http://wharf.test/root/c.js")
        #expect(MapURLs.resolve("https://ga.jspm.io/x.js", mapDirectory: directory, rootUrl: nil) == "https://ga.jspm.io/x.js")
    }

    /// 2.16.3's (and 2.5.1's) Generator constructor: a mapUrl alone makes baseUrl its directory; a baseUrl
    /// alone is also the mapUrl; relative ones resolve against baseUrl (else the working
    /// directory); baseUrl and rootUrl end in `/`; the map's URLs are relative to its directory.
    @Test func jspmDefaultsForMapBaseAndRootURLs() throws {
        let page = try Self.urls(map: "http://wharf.test/site/sub/index.html")
        #expect(page.mapDirectory == Self.url("http://wharf.test/site/sub/"))
        #expect(page.baseUrl == Self.url("http://wharf.test/site/sub/"))
        #expect(page.rootUrl == nil)
        let base = try Self.urls(base: "http://wharf.test/site/sub")
        #expect(base.baseUrl == Self.url("http://wharf.test/site/sub/"))
        #expect(base.mapDirectory == Self.url("http://wharf.test/site/sub/"))
        let both = try Self.urls(map: "sub/index.html", base: "http://wharf.test/site/", root: "..")
        #expect(both.mapDirectory == Self.url("http://wharf.test/site/sub/"))
        #expect(both.rootUrl == Self.url("http://wharf.test/"))
        let cli = try Self.urls(map: "public/importmap.json", cwd: "file:///work/app/")
        #expect(cli.mapDirectory == Self.url("file:///work/app/public/"))
        #expect(try Self.urls().isEmpty, "nothing given: nothing is rebased")
        #expect(try Self.urls(root: "http://wharf.test").rootUrl == Self.url("http://wharf.test/"))
    }

    /// import-map `rebase(mapUrl, rootUrl)` over a whole map: targets, scope keys, URL-like
    /// keys and integrity keys move; bare specifiers stay.
    @Test func aWholeMapIsRebased() throws {
        let urls = try Self.urls(map: "http://wharf.test/site/index.html", root: "http://wharf.test/")
        let map = try JSONValue.parse(#"""
        {"imports": {"a": "http://wharf.test/cdn/a.js", "http://wharf.test/site/b.js": "./c.js", "d": "https://cdn.example/d.js"},
         "scopes": {"http://wharf.test/cdn/": {"e": "http://wharf.test/cdn/e.js"}},
         "integrity": {"http://wharf.test/cdn/a.js": "sha384-a"}}
        """#)
        #expect(urls.rebase(map: map) == (try JSONValue.parse(#"""
        {"imports": {"/site/b.js": "/site/c.js", "a": "/cdn/a.js", "d": "https://cdn.example/d.js"},
         "scopes": {"/cdn/": {"e": "/cdn/e.js"}},
         "integrity": {"/cdn/a.js": "sha384-a"}}
        """#)))
        #expect(try Self.urls().rebase(map: map) == map, "absent: byte for byte")
        // 2.16.3's `dependencyCache` holds module URLs as keys and values: both are written like
        // integrity keys (an assumption: 2.16.3 declares the field without writing it).
        let cached = try JSONValue.parse(#"{"imports": {}, "dependencyCache": {"http://wharf.test/cdn/b.js": [], "http://wharf.test/cdn/a.js": ["http://wharf.test/cdn/b.js", "https://cdn.example/d.js"]}}"#)
        #expect(urls.rebase(map: cached) == (try JSONValue.parse(#"{"imports": {}, "dependencyCache": {"/cdn/a.js": ["/cdn/b.js", "https://cdn.example/d.js"], "/cdn/b.js": []}}"#)))
    }

    /// @jspm/import-map test/cases/combine-subpaths.js, its second case (the map as the `/` scope,
    /// sorted, read from a file: working directory): subpaths whose specifier tail equals their
    /// target's tail fold into one trailing-slash mapping once two agree.
    @Test func subpathsCombineAsImportMapsTestSays() throws {
        let urls = try Self.urls(base: "file:///cwd/")
        let mappings: [(String, String)] = [
            ("/url/sub/", "/another/x/"), ("/url/sub/x.js", "/another/sub/x.js"), ("/url/sub/y.js", "/another/sub/y.js"),
            ("/url/z.js", "/another/z.js"), ("base/a.js", "/a.js"), ("base/another/", "/another/"),
            ("base/another/a.js", "/another/a.js"), ("base/another/b.js", "/another/b.js"), ("base/another/c", "/another/c.js"),
            ("base/another/d", "/another/b.js"), ("base/b.js", "/b.js"), ("only/mapping.js", "./only/mapping.js"),
        ]
        let combined = SubpathCombiner.combine(mappings, urls: urls)
        #expect(combined.map(\.0) == ["/url/sub/", "/url/", "base/", "base/another/c", "base/another/d", "only/mapping.js"])
        #expect(Dictionary(uniqueKeysWithValues: combined) == [
            "/url/": "/another/", "/url/sub/": "/another/x/", "base/": "/", "base/another/c": "/another/c.js",
            "base/another/d": "/another/b.js", "only/mapping.js": "./only/mapping.js",
        ])
    }

    /// The same test's first case: "Default ('scopes') leaves top-level imports untouched".
    @Test func importsAreNotCombined() throws {
        let map = try JSONValue.parse(#"{"imports": {"base/a.js": "/a.js", "base/b.js": "/b.js"}, "scopes": {"/": {"base/a.js": "/a.js", "base/b.js": "/b.js"}}}"#)
        #expect(SubpathCombiner.combine(map: map, urls: try Self.urls(base: "file:///cwd/")) == (try JSONValue.parse(#"""
        {"imports": {"base/a.js": "/a.js", "base/b.js": "/b.js"}, "scopes": {"/": {"base/": "/"}}}
        """#)))
    }

    /// The same test's "'both' combines top-level imports as well" case (import-map 1.5.0, which
    /// generator 2.16.3 uses): the sorted `imports` fold as a scope does.
    @Test func bothCombinesImportsToo() throws {
        let sorted = #"""
        {"imports": {"/url/sub/": "/another/x/", "/url/sub/x.js": "/another/sub/x.js", "/url/sub/y.js": "/another/sub/y.js",
          "/url/z.js": "/another/z.js", "base/a.js": "/a.js", "base/another/": "/another/", "base/another/a.js": "/another/a.js",
          "base/another/b.js": "/another/b.js", "base/another/c": "/another/c.js", "base/another/d": "/another/b.js",
          "base/b.js": "/b.js", "only/mapping.js": "./only/mapping.js"}}
        """#
        let combined = SubpathCombiner.combine(map: try JSONValue.parse(sorted), urls: try Self.urls(base: "file:///cwd/"), sections: .both)
        let entries = (combined["imports"]?.objectMembers ?? []).map { ($0.0, $0.1.stringValue ?? "") }
        #expect(Dictionary(uniqueKeysWithValues: entries) == [
            "/url/": "/another/", "/url/sub/": "/another/x/", "base/": "/", "base/another/c": "/another/c.js",
            "base/another/d": "/another/b.js", "only/mapping.js": "./only/mapping.js",
        ])
        #expect(SubpathCombiner.combine(map: try JSONValue.parse(sorted), urls: try Self.urls(base: "file:///cwd/"), sections: .none) == (try JSONValue.parse(sorted)))
    }
}
