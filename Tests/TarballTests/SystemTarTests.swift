import Foundation
import Tarball
import Testing

/// Archives made by GNU tar at test time, in each format it writes.
@Suite(.enabled(if: SystemTar.available, "needs a system tar"))
struct SystemTarTests {
    static let longDirectory = "package/" + String(repeating: "nested-directory/", count: 8)
    static let longName = longDirectory + String(repeating: "n", count: 120) + ".js"

    /// An npm-like package with a long path, a symlink and a hard link.
    static func makePackage(_ tar: SystemTar) throws {
        try tar.write("package/package.json", #"{"name":"demo"}"#)
        try tar.write("package/lib/index.js", "module.exports = 1\n", mode: 0o755)
        try tar.write(longName, "long\n")
        try tar.symlink("package/link.js", to: "lib/index.js")
        try tar.hardLink("package/zz-hard.js", to: "package/package.json")  // sorts after its target
    }

    @Test(arguments: ["ustar", "gnu", "pax", "v7"])
    func readsFormat(_ format: String) throws {
        let tar = try SystemTar()
        defer { tar.remove() }
        try Self.makePackage(tar)
        // ustar and v7 cannot hold the 270-byte name; they get the rest of the package.
        let canHoldLongName = format == "gnu" || format == "pax"
        if !canHoldLongName {
            try FileManager.default.removeItem(at: tar.directory.appendingPathComponent("package/nested-directory"))
        }

        for flags in [["-c"], ["-cz"]] {
            let bytes = try tar.create(flags + ["--format=\(format)", "--sort=name"], members: ["package"])
            let entries = try TarballReader.extract(bytes)
            let long = String(Self.longName.dropFirst("package/".count))
            var expected = ["lib/index.js", "package.json"]
            if canHoldLongName { expected.insert(long, at: 1) }
            // Symlink and hard link are dropped; directories are skipped.
            #expect(entries.map(\.path) == expected, "format \(format) \(flags)")
            let index = try #require(entries.first { $0.path == "lib/index.js" })
            #expect(index.bytes == Array("module.exports = 1\n".utf8))
            #expect(index.mode == 0o755)
            #expect(index.modified != nil)
            if canHoldLongName { #expect(entries.first { $0.path == long }?.bytes == Array("long\n".utf8)) }
        }
    }

    @Test func dotRootedArchiveKeepsPaths() throws {
        let tar = try SystemTar()
        defer { tar.remove() }
        try tar.write("src/a.js", "a")
        try tar.write("README.md", "r")
        // `tar -C dir .` writes "./", "./src/", "./src/a.js"…
        let entries = try TarballReader.extract(try tar.create(["-cz", "--sort=name"], members: ["."]))
        #expect(entries.map(\.path).sorted() == ["README.md", "src/a.js"])
    }

    @Test func paxUnicodeAndMtime() throws {
        let tar = try SystemTar()
        defer { tar.remove() }
        try tar.write("package/ünïcødé.txt", "u")
        let bytes = try tar.create(["-c", "--format=pax", "--mtime=@1700000000.5"], members: ["package"])
        let entries = try TarballReader.extract(bytes)
        #expect(entries.map(\.path) == ["ünïcødé.txt"])
        let modified = try #require(entries.first?.modified)
        #expect(abs(modified.timeIntervalSince1970 - 1_700_000_000.5) < 0.01)
    }

    @Test func systemTarReadsTarWriterOutput() throws {
        let tar = try SystemTar()
        defer { tar.remove() }
        var writer = TarWriter()
        let long = "package/" + String(repeating: "y", count: 200) + ".js"
        writer.addDirectory("package")
        writer.addFile("package/index.js", contents: "hello\n", mode: 0o755)
        writer.addFile(long, contents: "long\n")
        let archive = tar.directory.appendingPathComponent("writer.tgz")
        try Data(writer.archive(compression: .gzip)).write(to: archive)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: SystemTar.path!)
        process.arguments = ["-xzf", archive.path, "-C", tar.directory.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let index = tar.directory.appendingPathComponent("package/index.js")
        #expect(try String(contentsOf: index, encoding: .utf8) == "hello\n")
        #expect(try String(contentsOf: tar.directory.appendingPathComponent(long), encoding: .utf8) == "long\n")
        let mode = try FileManager.default.attributesOfItem(atPath: index.path)[.posixPermissions] as? Int
        #expect(mode == 0o755)
    }
}
