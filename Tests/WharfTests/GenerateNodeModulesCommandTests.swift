import Foundation
import JSON
import Testing
import WharfTestSupport

/// `wharf generate --provider nodemodules` as a real process in a project folder: the map of the
/// project's node_modules, relative to the working directory (JSPM's default mapUrl and baseUrl);
/// with `--server`, the running Wharf refuses it (400), as it must not read its own disk.
@Suite struct GenerateNodeModulesCommandTests {
    static func read(_ path: String) throws -> JSONValue {
        try JSONValue.parse(Array(try #require(FileManager.default.contents(atPath: path))))
    }

    /// The expected map is `NodeModulesFixture.conflictMap` (test/resolve/nodemodules.test.js's
    /// layout rules and import-map's `flatten`, written out there).
    @Test func mapsTheProjectsNodeModules() async throws {
        let dir = TemporaryDirectory("generate-nodemodules")
        let project = dir.path + "/project"
        try NodeModulesFixture.write(NodeModulesFixture.conflict, under: project)
        let generated = try await WharfProcess.run(["generate", "a", "b", "--provider", "nodemodules", "--data", dir.path + "/store", "-o", "importmap.json"], directory: project)
        #expect(generated.status == 0, "\(generated.output)")
        #expect(try Self.read(project + "/importmap.json") == (try JSONValue.parse(NodeModulesFixture.conflictMap)))

        // --map-url: the same packages, written relative to a sub-folder's map.
        try FileManager.default.createDirectory(atPath: project + "/public", withIntermediateDirectories: true)
        let nested = try await WharfProcess.run(["generate", "a", "--provider", "nodemodules", "--data", dir.path + "/store", "--map-url", "public/importmap.json", "-o", "public/importmap.json"], directory: project)
        #expect(nested.status == 0, "\(nested.output)")
        #expect(try Self.read(project + "/public/importmap.json") == (try JSONValue.parse(#"""
        {"imports": {"a": "../node_modules/a/index.js"}, "scopes": {"../node_modules/a/": {"c": "../node_modules/c/index.js"}}}
        """#)))
    }

    @Test func aServerRefusesIt() async throws {
        let dir = TemporaryDirectory("generate-nodemodules-server")
        try NodeModulesFixture.write(NodeModulesFixture.conflict, under: dir.path + "/project")
        let (wharf, port) = try await WharfProcess.serve(["--data", dir.path + "/store"])
        let refused = try await WharfProcess.run(["generate", "a", "--provider", "nodemodules", "--server", "http://127.0.0.1:\(port)"], directory: dir.path + "/project")
        #expect(refused.status != 0)
        #expect(refused.output.contains("answered 400: provider nodemodules is refused over HTTP: only wharf generate reads the local disk"), "\(refused.output)")
        await wharf.stop()
    }
}
