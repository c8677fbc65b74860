import Foundation
import Testing

/// Runs the system `tar` in a fresh temporary directory; tests that need it are skipped where there is none.
struct SystemTar {
    static let path = ["/usr/bin/tar", "/bin/tar"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { path != nil }

    /// Scratch space; archives are written here.
    let scratch: URL
    /// What gets archived; paths given to the methods below are relative to it.
    let directory: URL

    init() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tarball-tests-\(UUID().uuidString)")
        directory = scratch.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: scratch) }

    func write(_ relativePath: String, _ contents: String, mode: Int = 0o644) throws {
        let url = directory.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    func symlink(_ relativePath: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent(relativePath).path, withDestinationPath: target)
    }

    func hardLink(_ relativePath: String, to existing: String) throws {
        try FileManager.default.linkItem(
            at: directory.appendingPathComponent(existing), to: directory.appendingPathComponent(relativePath))
    }

    /// Runs `tar <arguments> -f <archive> <members>` with `-C directory` and returns the archive's bytes.
    func create(_ arguments: [String], members: [String]) throws -> [UInt8] {
        let archive = scratch.appendingPathComponent("out-\(UUID().uuidString).tar")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path!)
        process.arguments = arguments + ["-f", archive.path, "-C", directory.path] + members
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "tar \(arguments) failed")
        defer { try? FileManager.default.removeItem(at: archive) }
        return Array(try Data(contentsOf: archive))
    }
}
