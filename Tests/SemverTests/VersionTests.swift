import Foundation
import Testing
@testable import Semver

@Suite("Version")
struct VersionTests {
    @Test("strict parse accepts semver 2.0 versions", arguments: [
        "0.0.0", "1.2.3", "10.20.30", "1.1.2-prerelease+meta", "1.0.0-alpha", "1.0.0-alpha.beta",
        "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92", "1.0.0-alpha+001", "1.0.0+20130313144700",
        "1.0.0-beta+exp.sha.5114f85", "1.0.0-rc.1+build.1", "1.2.3----RC-SNAPSHOT.12.9.1--.12+788",
        "9007199254740991.0.0",
    ])
    func parsesValid(_ input: String) throws {
        let v = try #require(Version(input))
        #expect(v.description == input)
    }

    @Test("strict parse rejects", arguments: [
        "", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-01", "1.2.3-", "1.2.3+",
        "1.2.3-a..b", "1.2.3+a..b", "1.2.3-a_b", "v1.2.3", "=1.2.3", " 1.2.3", "1.2.3 ", "1.2.x",
        "1.2.3beta", "9007199254740992.0.0", "-1.2.3", "1.2.3-Ünicode", "latest",
    ])
    func rejectsInvalid(_ input: String) {
        #expect(Version(input) == nil)
        #expect(throws: SemverError.invalidVersion(input)) { try Version.parse(input) }
    }

    @Test func parseErrorMessage() {
        #expect(SemverError.invalidVersion("1.2.x").description == "Invalid version: 1.2.x")
    }

    @Test func components() throws {
        let v = try #require(Version("1.2.3-beta.11.x-y+build.7"))
        #expect(v.major == 1 && v.minor == 2 && v.patch == 3)
        #expect(v.prerelease == [.alphanumeric("beta"), .numeric(11), .alphanumeric("x-y")])
        #expect(v.build == ["build", "7"])
        #expect(v.isPrerelease)
        #expect(v.normalized == "1.2.3-beta.11.x-y")
        #expect(Version("1.2.3")?.isPrerelease == false)
    }

    @Test("parseLoose follows semver.clean", arguments: [
        ("  =v1.2.3   ", "1.2.3"), ("v1.2.3", "1.2.3"), ("=1.2.3", "1.2.3"), ("==v=1.2.3", "1.2.3"),
        ("= 1.2.3", "1.2.3"), ("\t1.2.3-beta\n", "1.2.3-beta"), ("1.2.3+build", "1.2.3+build"),
    ])
    func looseParse(_ input: String, _ expected: String) {
        #expect(Version.parseLoose(input)?.description == expected)
    }

    @Test("parseLoose still rejects malformed versions", arguments: ["~1.2.3", "01.2.3", "1.2", "v"])
    func looseRejects(_ input: String) {
        #expect(Version.parseLoose(input) == nil)
    }

    @Test func specPrecedenceOrder() throws {
        let ordered = [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
            "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "2.1.0", "2.1.1",
        ].map { Version($0)! }
        for i in ordered.indices {
            for j in ordered.indices {
                #expect((ordered[i] < ordered[j]) == (i < j), "\(ordered[i]) vs \(ordered[j])")
                #expect((ordered[i] == ordered[j]) == (i == j))
            }
        }
        #expect(ordered.shuffled().sorted() == ordered)
    }

    @Test func numericIdentifiersCompareNumerically() {
        #expect(Version("1.0.0-2")! < Version("1.0.0-10")!)
        #expect(Version("1.0.0-99999999999999999999")! > Version("1.0.0-99999999999999999998")!)
        #expect(Version("1.0.0-99999999999999999999")! < Version("1.0.0-a")!)
        #expect(Version("10.0.0")! > Version("9.0.0")!)
    }

    @Test func buildMetadataIgnoredForPrecedence() {
        let a = Version("1.0.0+a")!, b = Version("1.0.0+b")!
        #expect(a == b)
        #expect(!(a < b) && !(b < a))
        #expect(Set([a, b]).count == 1)
        #expect(a.description == "1.0.0+a")
    }

    @Test func codableRoundTripsAsString() throws {
        let versions = [Version("1.2.3-rc.1+sha.5")!, Version("0.0.1")!]
        let data = try JSONEncoder().encode(versions)
        #expect(String(decoding: data, as: UTF8.self) == #"["1.2.3-rc.1+sha.5","0.0.1"]"#)
        let decoded = try JSONDecoder().decode([Version].self, from: data)
        #expect(decoded.map(\.description) == versions.map(\.description))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Version].self, from: Data(#"["1.2"]"#.utf8))
        }
    }

    @Test func tooLongIsRejected() {
        #expect(Version("1.2.3-" + String(repeating: "a", count: 250)) != nil)
        #expect(Version("1.2.3-" + String(repeating: "a", count: 251)) == nil)
    }
}
