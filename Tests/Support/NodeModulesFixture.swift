import Foundation

/// Projects laid out on disk as npm installs them, for the `nodemodules` provider: hoisted packages
/// in the project's `node_modules`, a conflicting version nested under its dependent.
public enum NodeModulesFixture {
    /// Writes `files` (path under `root` → text), creating the folders.
    public static func write(_ files: [String: String], under root: String) throws {
        for (path, text) in files {
            let file = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
    }

    /// a needs c@^1 and b needs c@^2: npm hoists c@1.0.0 and d, and nests c@2.0.0 under b, whose c
    /// imports d (found two folders up). b has no `exports` (its `main` is found among its files).
    public static let conflict: [String: String] = [
        "package.json": #"{"name":"project","version":"1.0.0","dependencies":{"a":"^1.0.0","b":"^1.0.0"}}"#,
        "node_modules/a/package.json": #"{"name":"a","version":"1.0.0","exports":"./index.js","dependencies":{"c":"^1.0.0"}}"#,
        "node_modules/a/index.js": "import c from 'c';\nexport default 'a+' + c;\n",
        "node_modules/b/package.json": #"{"name":"b","version":"1.0.0","main":"index","dependencies":{"c":"^2.0.0"}}"#,
        "node_modules/b/index.js": "import c from 'c';\nexport default 'b+' + c;\n",
        "node_modules/b/node_modules/c/package.json": #"{"name":"c","version":"2.0.0","exports":"./index.js","dependencies":{"d":"^1.0.0"}}"#,
        "node_modules/b/node_modules/c/index.js": "import d from 'd';\nexport default 'c2+' + d;\n",
        "node_modules/c/package.json": #"{"name":"c","version":"1.0.0","exports":"./index.js"}"#,
        "node_modules/c/index.js": "export default 'c1';\n",
        "node_modules/d/package.json": #"{"name":"d","version":"1.0.0","exports":"./index.js"}"#,
        "node_modules/d/index.js": "export default 'd';\n",
    ]

    /// The map JSPM writes for `conflict` with the map in the project folder: each package's
    /// dependencies in its folder's scope, then @jspm/import-map's `flatten` (import-map/src/map.ts)
    /// moves them to `./node_modules/` (the common base of the local scopes) unless one there
    /// differs, so b keeps its nested c in its own scope.
    public static let conflictMap = #"""
    {"imports": {"a": "./node_modules/a/index.js", "b": "./node_modules/b/index.js"},
     "scopes": {
       "./node_modules/": {"c": "./node_modules/c/index.js", "d": "./node_modules/d/index.js"},
       "./node_modules/b/": {"c": "./node_modules/b/node_modules/c/index.js"}}}
    """#
}
