/// A package that passed `JSRPackageRules.check`: what the publishing task goes on to analyse and store.
public struct JSRPackageContents: Sendable {
    /// Every file, keyed by its package path (`/mod.ts`, leading slash), sorted by path.
    public var files: [(path: String, bytes: [UInt8])]
    /// The config's exports in file order: `"."` for a string export, targets as written (`./mod.ts`).
    public var exports: [(key: String, target: String)]
    /// The config file the publish named, e.g. `/jsr.json`.
    public var configPath: String

    public init(files: [(path: String, bytes: [UInt8])], exports: [(key: String, target: String)], configPath: String) {
        self.files = files
        self.exports = exports
        self.configPath = configPath
    }

    /// The bytes of the file at `path` (`/mod.ts`), if the package has it.
    public func file(_ path: String) -> [UInt8]? {
        files.first { $0.path == path }?.bytes
    }

    /// The export targets as package paths (`./mod.ts` → `/mod.ts`): the roots of the module graph.
    public var exportPaths: [String] {
        exports.map { String($0.target.dropFirst()) }
    }
}
