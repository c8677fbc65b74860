/// A member that is not a regular file: reported so registries with stricter rules (JSR) can refuse it.
///
/// `TarballReader.read` drops these silently; `readArchive` hands them back instead.
public struct TarSpecialEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case hardLink, symbolicLink, directory, characterDevice, blockDevice, fifo
        /// Any other typeflag (GNU sparse `S`, volume label `V`, vendor types…), as its raw byte.
        case other(UInt8)

        /// The kind a header typeflag stands for (`1`–`6`; anything else is `other`).
        public init(typeflag: UInt8) {
            switch typeflag {
            case UInt8(ascii: "1"): self = .hardLink
            case UInt8(ascii: "2"): self = .symbolicLink
            case UInt8(ascii: "3"): self = .characterDevice
            case UInt8(ascii: "4"): self = .blockDevice
            case UInt8(ascii: "5"): self = .directory
            case UInt8(ascii: "6"): self = .fifo
            default: self = .other(typeflag)
            }
        }
    }

    /// As in the archive (decoded as UTF-8, invalid bytes replaced), not validated: it names no file we keep.
    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }
}

/// Everything an archive holds: its regular files (validated, as `read` returns them) and every other member.
public struct TarArchive: Sendable {
    /// Regular files in archive order, later duplicates winning, no top folder stripped.
    public var files: [TarEntry]
    /// Links, directories, devices and unknown member types, in archive order.
    public var specials: [TarSpecialEntry]

    public init(files: [TarEntry], specials: [TarSpecialEntry] = []) {
        self.files = files
        self.specials = specials
    }
}

extension TarballReader {
    /// Like `read`, but also reports the members `read` drops, and never strips a top folder
    /// (`stripSingleTopFolder` is ignored): JSR tarballs hold `mod.ts` or `./mod.ts` at the root.
    public func readArchive(_ bytes: [UInt8]) throws(TarballError) -> TarArchive {
        let parser = try parse(bytes)
        let files = try Self.entries(from: parser.members, stripSingleTopFolder: false)
        let specials = parser.specials.map {
            TarSpecialEntry(path: String(decoding: $0.path, as: UTF8.self), kind: .init(typeflag: $0.typeflag))
        }
        return TarArchive(files: files, specials: specials)
    }
}
