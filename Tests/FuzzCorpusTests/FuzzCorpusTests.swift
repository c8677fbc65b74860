import Foundation
import FuzzTargets
import Testing

/// Every committed fuzz input (seeds, and every input a fuzzer once crashed on) replayed through
/// its target as an ordinary test: a regression fails here in seconds, without the fuzzer build.
@Suite struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func inputs(_ target: FuzzTarget) -> [URL] {
        let folder = root.appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }
    }

    /// scripts/fuzz runs every target by default: its list names them all.
    @Test func scriptsFuzzKnowsEveryTarget() throws {
        let script = try String(contentsOf: Self.root.appendingPathComponent("../../../scripts/fuzz").standardized, encoding: .utf8)
        let line = try #require(script.split(separator: "\n").first { $0.hasPrefix("ALL=(") })
        #expect(Set(line.dropFirst(5).dropLast().split(separator: " ").map(String.init)) == Set(FuzzTarget.allCases.map(\.rawValue)))
    }

    @Test(arguments: FuzzTarget.allCases)
    func theCorpusReplays(_ target: FuzzTarget) throws {
        let inputs = Self.inputs(target)
        #expect(inputs.count >= 3, "\(target.rawValue) has a seed corpus in Tests/FuzzCorpusTests/Corpus/\(target.rawValue)")
        for input in inputs {
            target.run(Array(try Data(contentsOf: input)))
        }
    }
}
