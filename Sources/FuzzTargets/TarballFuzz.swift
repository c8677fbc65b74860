import Tarball

/// Tar and tar.gz as the registries unpack them: within small limits, and what reads back is
/// what a writer made of it reads back the same (write → read round trip).
enum TarballFuzz {
    static let limits = TarLimits(maxCompressedSize: 1 << 20, maxUncompressedSize: 4 << 20, maxEntries: 200)

    static func run(_ bytes: [UInt8]) {
        let reader = TarballReader(limits: limits, stripSingleTopFolder: false)
        guard let archive = try? reader.readArchive(bytes) else { return }
        var total = 0
        for file in archive.files {
            total += file.bytes.count
            require(!file.path.isEmpty && !file.path.hasPrefix("/"), "path \(file.path.debugDescription) is not relative")
            require(!file.path.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." || $0.isEmpty },
                    "path \(file.path.debugDescription) has a dot or empty segment")
        }
        require(total <= limits.maxUncompressedSize, "\(total) bytes unpacked over the limit")
        var writer = TarWriter()
        for file in archive.files { writer.addFile(file.path, bytes: file.bytes) }
        for compression in [TarWriter.Compression.none, .gzip] {
            let again = try? reader.readArchive(writer.archive(compression: compression))
            require(again?.files.map(\.path) == archive.files.map(\.path), "paths changed in a write → read round trip")
            require(again?.files.map(\.bytes) == archive.files.map(\.bytes), "bytes changed in a write → read round trip")
        }
    }
}
