import Foundation
import Tarball
import Testing

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
