import Testing
@testable import Semver

private func v(_ s: String) -> Version { Version(s)! }

@Suite("VersionSpecifier")
struct VersionSpecifierTests {
    let versions = ["1.0.0", "1.1.0", "1.2.0", "2.0.0-beta.1", "2.0.0-beta.2", "1.3.0-rc.0"].map(v)

    @Test func classification() throws {
        #expect(VersionSpecifier.parse("1.2.3") == .exact(v("1.2.3")))
        #expect(VersionSpecifier.parse(" v1.2.3 ") == .exact(v("1.2.3")))
        #expect(VersionSpecifier.parse("^1.2.3") == .range(try Range("^1.2.3")))
        #expect(VersionSpecifier.parse("1.x") == .range(try Range("1.x")))
        #expect(VersionSpecifier.parse("") == .range(try Range("*")))
        #expect(VersionSpecifier.parse("x") == .range(try Range("*")))
        #expect(VersionSpecifier.parse("latest") == .tag("latest"))
        #expect(VersionSpecifier.parse("next") == .tag("next"))
        #expect(VersionSpecifier.parse("1.2.3.4") == .tag("1.2.3.4"))
    }

    @Test func resolvesLatestFirst() {
        // latest (1.1.0) satisfies ^1.0.0, so npm prefers it over the higher 1.2.0.
        let tags = ["latest": "1.1.0", "next": "2.0.0-beta.2"]
        #expect(VersionSpecifier.parse("^1.0.0").resolve(versions: versions, distTags: tags) == v("1.1.0"))
        #expect(VersionSpecifier.parse("").resolve(versions: versions, distTags: tags) == v("1.1.0"))
        #expect(VersionSpecifier.parse("*").resolve(versions: versions, distTags: tags) == v("1.1.0"))
        #expect(VersionSpecifier.parse("latest").resolve(versions: versions, distTags: tags) == v("1.1.0"))
        // latest does not satisfy, so the highest satisfying version wins.
        #expect(VersionSpecifier.parse(">=1.2").resolve(versions: versions, distTags: tags) == v("1.2.0"))
        #expect(VersionSpecifier.parse("^2.0.0-beta.1").resolve(versions: versions, distTags: tags)
                == v("2.0.0-beta.2"))
    }

    @Test func resolvesTagsAndExact() {
        let tags = ["latest": "1.1.0", "next": "2.0.0-beta.2"]
        #expect(VersionSpecifier.parse("next").resolve(versions: versions, distTags: tags) == v("2.0.0-beta.2"))
        #expect(VersionSpecifier.parse("beta").resolve(versions: versions, distTags: tags) == nil)
        #expect(VersionSpecifier.parse("1.2.0").resolve(versions: versions, distTags: tags) == v("1.2.0"))
        #expect(VersionSpecifier.parse("1.2.1").resolve(versions: versions, distTags: tags) == nil)
        #expect(VersionSpecifier.parse("^3").resolve(versions: versions, distTags: tags) == nil)
    }

    @Test func withoutDistTags() {
        #expect(VersionSpecifier.parse("latest").resolve(versions: versions, distTags: [:]) == v("1.2.0"))
        #expect(VersionSpecifier.parse("*").resolve(versions: versions, distTags: [:]) == v("1.2.0"))
        // A prerelease `latest` is taken for `*` (npm skips the satisfies check for a literal `*`)…
        let pre = ["latest": "2.0.0-beta.2"]
        #expect(VersionSpecifier.parse("*").resolve(versions: versions, distTags: pre) == v("2.0.0-beta.2"))
        // …but not for an equivalent range spelled differently.
        #expect(VersionSpecifier.parse(">=1").resolve(versions: versions, distTags: pre) == v("1.2.0"))
        // A latest tag pointing at an unknown version is ignored for ranges.
        #expect(VersionSpecifier.parse("^1").resolve(versions: versions, distTags: ["latest": "1.9.9"]) == v("1.2.0"))
    }
}
