import Foundation
import Tarball
import Testing

/// The process's peak resident set (VmHWM) in bytes, or nil where /proc is not available.
func peakResidentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        return kilobytes.map { $0 * 1024 }
    }
    return nil
}

extension TarballError {
    var isTooLarge: Bool { if case .tooLarge = self { true } else { false } }
    var isCorrupt: Bool { if case .corrupt = self { true } else { false } }
    var isUnsafePath: Bool { if case .unsafePath = self { true } else { false } }
}

/// The error `body` throws, or nil; lets a test check the case without knowing the message.
func tarballError(_ body: () throws -> [TarEntry]) -> TarballError? {
    do {
        _ = try body()
        return nil
    } catch let error as TarballError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}
