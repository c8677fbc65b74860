import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under the system temp folder, removed when the value goes away.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "test") {
        path = NSTemporaryDirectory() + "wharf-\(label)-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Removed with plain POSIX calls: FileManager.removeItem was seen to double-free when
    /// tests run in parallel.
    deinit { Self.removeTree(path) }

    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR, let dir = opendir(path) {
            var children: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { children.append(path + "/" + name) }
            }
            closedir(dir)
            children.forEach(removeTree)
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
