import Testing
@testable import EdgeCache

@Suite struct CacheAddressTests {
    let upstreams: UpstreamSet = {
        var set = UpstreamSet()
        for host in ["ga.jspm.io", "unpkg.com", "esm.sh", "cdn.jsdelivr.net"] {
            set.set(host: host, origin: Origin("https://\(host)")!)
        }
        return set
    }()

    func parse(_ raw: String, query: String? = nil) throws(EdgeCacheError) -> CacheAddress {
        try CacheAddress.parse(Substring(raw), query: query, upstreams: upstreams)
    }

    @Test func plainPathsAreKeptAsTheyAre() throws {
        let address = try parse("ga.jspm.io/npm:react@18.2.0/index.js")
        #expect(address.host == "ga.jspm.io")
        #expect(address.path == "/npm:react@18.2.0/index.js")
        #expect(address.key == "ga.jspm.io/npm:react@18.2.0/index.js")
        #expect(address.query == nil)
    }

    @Test func hostIsCaseInsensitiveAndEncodingsAreDecodedOnce() throws {
        let address = try parse("GA.JSPM.IO/npm:%40scope/pkg@1.0.0/a%20b.js")
        #expect(address.host == "ga.jspm.io")
        #expect(address.path == "/npm:@scope/pkg@1.0.0/a b.js")
        #expect(address.encodedPath == "/npm:@scope/pkg@1.0.0/a%20b.js")
    }

    @Test func hostsOutsideTheAllowlistAreRefusedFirst() {
        for raw in ["evil.example/x.js", "evil.example/../ga.jspm.io/x.js", "localhost:22/", "127.0.0.1/etc/passwd"] {
            #expect(throws: EdgeCacheError.self) { try parse(raw) }
            do { _ = try parse(raw) } catch { #expect(error.kind == .hostNotAllowed, "\(raw)") }
        }
    }

    @Test(arguments: [
        "ga.jspm.io/../etc/passwd",
        "ga.jspm.io/a/../../b",
        "ga.jspm.io/./a.js",
        "ga.jspm.io/a/%2e%2e/b",
        "ga.jspm.io/a/%2E%2E/b",
        "ga.jspm.io/a%2f..%2fb",
        "ga.jspm.io/a%2Fb",
        "ga.jspm.io/a%5c..%5cb",
        "ga.jspm.io/a\\..\\b",
        "ga.jspm.io//evil.example/x.js",
        "ga.jspm.io/a//b",
        "ga.jspm.io/https://evil.example/x.js",
        "ga.jspm.io/http:/evil.example",
        "ga.jspm.io/a/%252e%252e/b",
        "ga.jspm.io/a%00.js",
        "ga.jspm.io/a%0d%0aSet-Cookie:x",
        "ga.jspm.io/%zz",
        "ga.jspm.io/a%2",
        "ga.jspm.io/",
        "ga.jspm.io",
        "ga.jspm.io/%ff%fe",
    ])
    func traversalAndTrickPathsAreRefused(raw: String) {
        do {
            let address = try parse(raw)
            Issue.record("accepted \(raw) as \(address.key)")
        } catch {
            #expect(error.kind == .invalidPath, "\(raw): \(error.message)")
        }
    }

    @Test func queryIsPartOfTheKeyOnlyWhereTheUpstreamNeedsIt() throws {
        #expect(try parse("ga.jspm.io/npm:a@1.0.0/x.js", query: "v=2").query == nil)
        #expect(try parse("esm.sh/react@18.2.0", query: "target=es2022&dev").key == "esm.sh/react@18.2.0?target=es2022&dev")
        #expect(try parse("unpkg.com/react@18.2.0/", query: "meta").key == "unpkg.com/react@18.2.0/?meta")
        #expect(try parse("unpkg.com/react@18.2.0/index.js", query: "module").query == nil)
        #expect(try parse("cdn.jsdelivr.net/npm/react@18.2.0/", query: nil).path == "/npm/react@18.2.0/")
    }
}
