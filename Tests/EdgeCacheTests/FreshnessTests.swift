import Testing
@testable import EdgeCache

@Suite struct FreshnessTests {
    let policy = FreshnessPolicy(minimumLifetime: .seconds(60), negativeLifetime: .seconds(30))

    @Test(arguments: [
        ("ga.jspm.io", "/npm:react@18.2.0/index.js", true),
        ("ga.jspm.io", "/npm:@scope/pkg@1.0.0-rc.1/a.js", true),
        ("unpkg.com", "/react@18.2.0/umd/react.js", true),
        ("cdn.jsdelivr.net", "/npm/lit@3.1.0+build.5/index.js", true),
        ("unpkg.com", "/react/index.js", false),
        ("unpkg.com", "/react@18/index.js", false),
        ("unpkg.com", "/react@^18.2.0/index.js", false),
        ("unpkg.com", "/react@18.2/index.js", false),
        ("unpkg.com", "/react@latest/index.js", false),
        ("unpkg.com", "/react@01.2.3/index.js", false),
        ("registry.npmjs.org", "/react", false),
        ("registry.npmjs.org", "/react/-/react-18.2.0.tgz", true),
        ("registry.npmjs.org", "/@babel/core/-/core-7.24.0-beta.1.tgz", true),
        ("registry.npmjs.org", "/react/-/react-latest.tgz", false),
    ])
    func exactVersionsAreImmutable(host: String, path: String, immutable: Bool) {
        #expect(FreshnessPolicy.isImmutable(CacheAddress(host: host, path: path, query: nil)) == immutable)
    }

    @Test func lifetimeFollowsCacheControlWithAFloor() {
        #expect(policy.lifetime(cacheControl: "public, max-age=600") == 600)
        #expect(policy.lifetime(cacheControl: "public, max-age=600, s-maxage=1200") == 1200)
        #expect(policy.lifetime(cacheControl: "max-age=5") == 60)
        #expect(policy.lifetime(cacheControl: "no-cache, max-age=600") == 60)
        #expect(policy.lifetime(cacheControl: "private, max-age=600") == 60)
        #expect(policy.lifetime(cacheControl: nil) == 60)
        #expect(policy.lifetime(cacheControl: "MAX-AGE = \"300\"") == 300)
    }
}
