import Foundation

/// JSPM's `nodemodules` provider: packages read from `node_modules` folders on the local disk and
/// found as Node finds them. Only `wharf generate` makes one: no HTTP request may read Wharf's disk.
public struct NodeModules: Sendable, Equatable {
    /// JSPM's `baseUrl` (a `file:` folder URL ending in `/`): where top-level installs are looked up from.
    public let base: String

    public init(base: URL) {
        let text = base.absoluteString
        self.base = text.hasSuffix("/") ? text : text + "/"
    }

    /// Node's lookup (JSPM's `nodeResolve`): `node_modules/NAME` in `folder`, else in each folder
    /// above it. The package's folder URL (ending in `/`), its symlinks resolved as JSPM's
    /// `realPath` does; nil when no folder up to the root has it.
    func folder(of name: String, from folder: String) -> String? {
        guard Self.isPackageName(name), let start = URL(string: folder), start.isFileURL else { return nil }
        var directory = start.standardizedFileURL.path
        while true {
            let candidate = (directory.hasSuffix("/") ? directory : directory + "/") + "node_modules/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
                let found = URL(fileURLWithPath: candidate, isDirectory: true).resolvingSymlinksInPath().absoluteString
                return found.hasSuffix("/") ? found : found + "/"
            }
            if directory == "/" || directory.isEmpty { return nil }
            directory = (directory as NSString).deletingLastPathComponent
        }
    }

    /// A bare name can only name a folder below `node_modules`: no `..`, `.` or empty segment.
    private static func isPackageName(_ name: String) -> Bool {
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        return segments.count == (name.hasPrefix("@") ? 2 : 1) && !name.contains("\\")
            && segments.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// A file's bytes by its `file:` URL.
    func read(_ url: String) throws(ImportMapError) -> [UInt8] {
        guard let parsed = URL(string: url), parsed.isFileURL, let data = FileManager.default.contents(atPath: parsed.path) else {
            throw ImportMapError(.notFound, "module not found: \(url)")
        }
        return Array(data)
    }

    /// The files of the package at `folder` (paths relative to it), leaving out `node_modules` and
    /// `.git` as JSPM's `getFileList` does.
    func files(in folder: String) -> Set<String> {
        guard let root = URL(string: folder), root.isFileURL else { return [] }
        let rootPath = root.standardizedFileURL.path
        var files: Set<String> = []
        guard let walk = FileManager.default.enumerator(atPath: rootPath) else { return [] }
        while let relative = walk.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let attributes = walk.fileAttributes
            if attributes?[.type] as? FileAttributeType == .typeDirectory {
                if name == "node_modules" || name == ".git" { walk.skipDescendants() }
                continue
            }
            files.insert(relative)
        }
        return files
    }
}
