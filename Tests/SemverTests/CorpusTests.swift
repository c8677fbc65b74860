import Foundation
import Testing
@testable import Semver

/// Expected values produced by npm's bundled node-semver (see Fixtures/generate.js).
private struct Corpus: Decodable {
    struct VersionRow: Decodable { let s: String; let valid: String?; let clean: String? }
    struct RangeRow: Decodable { let r: String; let norm: String?; let normPre: String?; let valid: String? }
    struct SatRow: Decodable { let r: String; let v: String; let sat: Bool; let satPre: Bool }
    struct MaxRow: Decodable {
        let r: String
        let max: String?, min: String?, maxPre: String?, minPre: String?
    }
    let semverVersion: String
    let versions: [String]
    let sorted: [String]
    let versionRows: [VersionRow]
    let rangeRows: [RangeRow]
    let satRows: [SatRow]
    let maxRows: [MaxRow]

    static let shared: Corpus = try! JSONDecoder().decode(Corpus.self, from: Data(SemverCorpus.json.utf8))
}

@Suite("node-semver corpus")
struct CorpusTests {
    @Test func corpusIsSubstantial() {
        #expect(Corpus.shared.satRows.count > 2000)
        #expect(Corpus.shared.rangeRows.count > 400)
    }

    @Test func versionParsing() {
        for row in Corpus.shared.versionRows {
            // new SemVer(s) / semver.valid
            #expect(Version.parseNode(row.s)?.normalized == row.valid, "valid(\(row.s.debugDescription))")
            #expect(Version.parseLoose(row.s)?.normalized == row.clean, "clean(\(row.s.debugDescription))")
            // Strict init = semver.valid minus its tolerance for a leading `v` and whitespace.
            let strictShape = row.s == JSString.trim(row.s) && !row.s.hasPrefix("v")
            #expect((Version(row.s) != nil) == (strictShape && row.valid != nil), "\(row.s.debugDescription)")
        }
    }

    @Test func sortOrder() {
        let versions = Corpus.shared.versions.map { Version($0)! }
        #expect(versions.sorted().map(\.normalized) == Corpus.shared.sorted.map { Version($0)!.normalized })
    }

    @Test func desugaring() {
        for row in Corpus.shared.rangeRows {
            let range = try? Semver.Range(row.r)
            #expect(range?.normalized == row.norm, "Range(\(row.r.debugDescription))")
            #expect(range?.normalized(includePrerelease: true) == row.normPre,
                    "Range(\(row.r.debugDescription), includePrerelease)")
            #expect(range?.description == row.valid, "validRange(\(row.r.debugDescription))")
        }
    }

    @Test func satisfies() throws {
        var cache: [String: Semver.Range] = [:]
        for row in Corpus.shared.satRows {
            let range = try cache[row.r] ?? Semver.Range(row.r)
            cache[row.r] = range
            let version = try #require(Version(row.v))
            #expect(range.satisfies(version) == row.sat, "satisfies(\(row.v), \(row.r.debugDescription))")
            #expect(range.satisfies(version, includePrerelease: true) == row.satPre,
                    "satisfies(\(row.v), \(row.r.debugDescription), includePrerelease)")
        }
    }

    @Test func maxMinSatisfying() throws {
        let versions = Corpus.shared.versions.map { Version($0)! }
        for row in Corpus.shared.maxRows {
            let range = try Semver.Range(row.r)
            #expect(range.maxSatisfying(versions)?.description == row.max, "max \(row.r)")
            #expect(range.minSatisfying(versions)?.description == row.min, "min \(row.r)")
            #expect(range.maxSatisfying(versions, includePrerelease: true)?.description == row.maxPre, "maxPre \(row.r)")
            #expect(range.minSatisfying(versions, includePrerelease: true)?.description == row.minPre, "minPre \(row.r)")
        }
    }
}
