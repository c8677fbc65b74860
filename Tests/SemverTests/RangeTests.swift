import Foundation
import Testing
@testable import Semver

private func v(_ s: String) -> Version { Version(s)! }

@Suite("Range")
struct RangeTests {
    /// The desugaring tables of node-semver's README (hyphen, x-range, tilde, caret), with the
    /// outputs node-semver 7.6 actually prints (it drops a redundant `>=0.0.0`).
    @Test("desugars like node-semver", arguments: [
        ("1.2.3 - 2.3.4", ">=1.2.3 <=2.3.4"),
        ("1.2 - 2.3.4", ">=1.2.0 <=2.3.4"),
        ("1.2.3 - 2.3", ">=1.2.3 <2.4.0-0"),
        ("1.2.3 - 2", ">=1.2.3 <3.0.0-0"),
        ("*", "*"), ("", "*"), ("x", "*"),
        ("1.x", ">=1.0.0 <2.0.0-0"), ("1.2.x", ">=1.2.0 <1.3.0-0"), ("1.2.*", ">=1.2.0 <1.3.0-0"),
        ("1", ">=1.0.0 <2.0.0-0"), ("1.x.x", ">=1.0.0 <2.0.0-0"), ("1.2", ">=1.2.0 <1.3.0-0"),
        ("~1.2.3", ">=1.2.3 <1.3.0-0"), ("~1.2", ">=1.2.0 <1.3.0-0"), ("~1", ">=1.0.0 <2.0.0-0"),
        ("~0.2.3", ">=0.2.3 <0.3.0-0"), ("~0.2", ">=0.2.0 <0.3.0-0"), ("~0", "<1.0.0-0"),
        ("~1.2.3-beta.2", ">=1.2.3-beta.2 <1.3.0-0"), ("~>1.2", ">=1.2.0 <1.3.0-0"),
        ("^1.2.3", ">=1.2.3 <2.0.0-0"), ("^0.2.3", ">=0.2.3 <0.3.0-0"), ("^0.0.3", ">=0.0.3 <0.0.4-0"),
        ("^0.0.1", ">=0.0.1 <0.0.2-0"),
        ("^1.2.3-beta.2", ">=1.2.3-beta.2 <2.0.0-0"), ("^0.0.3-beta", ">=0.0.3-beta <0.0.4-0"),
        ("^1.2.x", ">=1.2.0 <2.0.0-0"), ("^0.0.x", "<0.1.0-0"), ("^0.0", "<0.1.0-0"),
        ("^1.x", ">=1.0.0 <2.0.0-0"), ("^0.x", "<1.0.0-0"),
        ("<=1.2", "<1.3.0-0"), ("> 1.2", ">=1.3.0"), ("=1.2.3", "1.2.3"), (">*", "<0.0.0-0"),
        ("  >=  1.2.3    <2  ", ">=1.2.3 <2.0.0-0"), ("^ 1.2.3 || ~ 2.0", ">=1.2.3 <2.0.0-0||>=2.0.0 <2.1.0-0"),
        ("1.x || *", "*"), ("<0.0.0-0 || 1.2.3", "1.2.3"),
    ])
    func desugar(_ input: String, _ expected: String) throws {
        #expect(try Range(input).description == expected)
    }

    @Test func includePrereleaseDesugaring() throws {
        #expect(try Range("1.x").normalized(includePrerelease: true) == ">=1.0.0-0 <2.0.0-0")
        #expect(try Range("1.2.3 - 2.3.4").normalized(includePrerelease: true) == ">=1.2.3-0 <2.3.5-0")
        #expect(try Range("^0.0.1").normalized(includePrerelease: true) == ">=0.0.1-0 <0.0.2-0")
    }

    @Test("invalid ranges throw", arguments: [
        "latest", "next", "foo bar", ">=1.2.3 foo", ">>1.2.3", "1.2.3.4", "01.2.3", "9007199254740992.0.0",
        "1.2.3-", "a.b.c",
    ])
    func invalid(_ input: String) {
        #expect(throws: SemverError.self) { try Range(input) }
        do {
            _ = try Range(input)
        } catch {
            #expect(error.kind == .invalidRange)
            #expect(error.description.hasPrefix("Invalid range: "))
        }
    }

    @Test func prereleaseRule() throws {
        let r = try Range("^1.2.3-beta.2")
        #expect(r.satisfies(v("1.2.3-beta.2")))
        #expect(r.satisfies(v("1.2.3-beta.4")))
        #expect(r.satisfies(v("1.2.3")))
        #expect(r.satisfies(v("1.9.0")))
        #expect(!r.satisfies(v("1.2.3-beta.1")))
        // Same range, but a prerelease of a different [major, minor, patch] is excluded…
        #expect(!r.satisfies(v("1.2.4-alpha")))
        #expect(!r.satisfies(v("1.3.0-rc.1")))
        // …unless includePrerelease is set.
        #expect(r.satisfies(v("1.2.4-alpha"), includePrerelease: true))

        let plain = try Range(">=1.0.0 <2.0.0")
        #expect(!plain.satisfies(v("1.5.0-rc.1")))
        #expect(plain.satisfies(v("1.5.0-rc.1"), includePrerelease: true))
        #expect(!plain.satisfies(v("2.0.0-rc.1")))
        // The upper bound <2.0.0 desugars to nothing special, but <2.0.0-0 via caret excludes it.
        #expect(!(try Range("^1.0.0")).satisfies(v("2.0.0-rc.1"), includePrerelease: true))
        #expect(try Range("*").satisfies(v("1.0.0-rc.1"), includePrerelease: true))
        #expect(!(try Range("*")).satisfies(v("1.0.0-rc.1")))
        // Prerelease allowed only within its own comparator set.
        let or = try Range(">1.2.3-alpha.3 || 3.x")
        #expect(or.satisfies(v("1.2.3-alpha.7")))
        #expect(!or.satisfies(v("3.4.5-alpha.9")))
    }

    @Test func hyphenAndOr() throws {
        let r = try Range("1.2 - 2.3.4 || >=5")
        #expect(r.satisfies(v("1.2.0")))
        #expect(r.satisfies(v("2.3.4")))
        #expect(!r.satisfies(v("2.3.5")))
        #expect(!r.satisfies(v("4.9.9")))
        #expect(r.satisfies(v("5.0.0")))
        #expect(r.comparatorSets.count == 2)
        #expect(r.comparatorSets[0] == [Comparator(.greaterThanOrEqual, v("1.2.0")),
                                         Comparator(.lessThanOrEqual, v("2.3.4"))])
    }

    @Test func maxAndMinSatisfying() throws {
        let versions = ["1.2.3", "1.2.4", "1.2.5-beta", "1.3.0", "2.0.0", "2.0.1-rc.1", "0.9.0"].map(v)
        #expect(try Range("~1.2").maxSatisfying(versions) == v("1.2.4"))
        #expect(try Range("~1.2").maxSatisfying(versions, includePrerelease: true) == v("1.2.5-beta"))
        #expect(try Range("^1").maxSatisfying(versions) == v("1.3.0"))
        #expect(try Range("*").maxSatisfying(versions) == v("2.0.0"))
        #expect(try Range("*").maxSatisfying(versions, includePrerelease: true) == v("2.0.1-rc.1"))
        #expect(try Range("^1").minSatisfying(versions) == v("1.2.3"))
        #expect(try Range(">=3").maxSatisfying(versions) == nil)
        #expect(try Range("<1").minSatisfying(versions) == v("0.9.0"))
        // Precedence ties keep the first version seen, as node-semver does.
        let tied = [v("1.0.0+a"), v("1.0.0+b")]
        #expect(try Range("1").maxSatisfying(tied)?.description == "1.0.0+a")
    }

    @Test func equalityIsByMeaning() throws {
        #expect(try Range("^1.2.3") == Range(">=1.2.3  <2.0.0-0"))
        #expect(try Range("1.x") != Range(">=1.0.0 <2.0.0-0"))  // differ under includePrerelease
        #expect(try Range("~1.2") != Range("~1.3"))
    }

    @Test func codable() throws {
        let data = try JSONEncoder().encode([try Range("^1.2.3 || 2.x")])
        #expect(String(decoding: data, as: UTF8.self) == #"["^1.2.3 || 2.x"]"#)
        let back = try JSONDecoder().decode([Range].self, from: data)
        #expect(back[0].description == ">=1.2.3 <2.0.0-0||>=2.0.0 <3.0.0-0")
    }

    /// The compiled patterns are shared process-wide; parsing must be safe from many tasks.
    @Test func concurrentParsing() async throws {
        let inputs = (0..<200).map { i in ["^1.\(i).0", "~\(i).2", "\(i).x || >=\(i + 1).0.0-rc.1", "1.2 - \(i + 2)"][i % 4] }
        let results = await withTaskGroup(of: (Int, String?).self) { group in
            for (i, input) in inputs.enumerated() {
                group.addTask { (i, try? Range(input).description) }
            }
            var out = [String?](repeating: nil, count: inputs.count)
            for await (i, d) in group { out[i] = d }
            return out
        }
        for (input, result) in zip(inputs, results) {
            #expect(result == (try? Range(input).description), "\(input)")
            #expect(result != nil)
        }
    }

    @Test func comparatorParsing() throws {
        #expect(try Comparator(">= 1.2.3").description == ">=1.2.3")
        #expect(try Comparator("=v1.2.3+b").description == "1.2.3")
        #expect(try Comparator("").version == nil)
        #expect(throws: SemverError.self) { try Comparator("^1.2.3") }
        #expect(try Comparator("<2.0.0-0").test(v("2.0.0-alpha")) == false)
        #expect(try Comparator("<2.0.0-0").test(v("1.99.0")))
    }
}
