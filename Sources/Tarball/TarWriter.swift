#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds a POSIX ustar archive in memory, optionally gzipped: test fixtures and `wharf` exports.
///
/// Paths are written exactly as given (no validation), so tests can also build hostile archives.
public struct TarWriter: Sendable {
    public enum Compression: Sendable {
        case none
        case gzip
    }

    private enum Kind: Sendable {
        case file([UInt8])
        case directory
        case symlink(String)
        case hardLink(String)
    }

    private struct Member: Sendable {
        var path: String
        var kind: Kind
        var mode: UInt32
        var modified: Date?
    }

    private var members: [Member] = []

    public init() {}

    public init(entries: [TarEntry]) {
        for entry in entries { append(entry) }
    }

    public mutating func append(_ entry: TarEntry) {
        addFile(entry.path, bytes: entry.bytes, mode: entry.mode ?? 0o644, modified: entry.modified)
    }

    public mutating func addFile(_ path: String, bytes: [UInt8], mode: UInt32 = 0o644, modified: Date? = nil) {
        members.append(Member(path: path, kind: .file(bytes), mode: mode, modified: modified))
    }

    public mutating func addFile(_ path: String, contents: String, mode: UInt32 = 0o644, modified: Date? = nil) {
        addFile(path, bytes: Array(contents.utf8), mode: mode, modified: modified)
    }

    public mutating func addDirectory(_ path: String, mode: UInt32 = 0o755) {
        let name = path.hasSuffix("/") ? path : path + "/"
        members.append(Member(path: name, kind: .directory, mode: mode, modified: nil))
    }

    public mutating func addSymlink(_ path: String, target: String) {
        members.append(Member(path: path, kind: .symlink(target), mode: 0o777, modified: nil))
    }

    public mutating func addHardLink(_ path: String, target: String) {
        members.append(Member(path: path, kind: .hardLink(target), mode: 0o644, modified: nil))
    }

    /// The archive: each member (with a PAX header when a name does not fit ustar), then two zero blocks.
    public func archive(compression: Compression = .none) -> [UInt8] {
        var out: [UInt8] = []
        for member in members {
            write(member, to: &out)
        }
        out += [UInt8](repeating: 0, count: 2 * TarHeader.blockSize)
        switch compression {
        case .none: return out
        case .gzip: return GzipDeflater.compress(out)
        }
    }

    private func write(_ member: Member, to out: inout [UInt8]) {
        let typeflag: UInt8
        var data: [UInt8] = []
        var linkName = ""
        switch member.kind {
        case .file(let bytes):
            typeflag = UInt8(ascii: "0")
            data = bytes
        case .directory:
            typeflag = UInt8(ascii: "5")
        case .symlink(let target):
            typeflag = UInt8(ascii: "2")
            linkName = target
        case .hardLink(let target):
            typeflag = UInt8(ascii: "1")
            linkName = target
        }
        let mtime = Int(member.modified?.timeIntervalSince1970.rounded(.down) ?? 0)

        let split = Self.ustarSplit(Array(member.path.utf8))
        let linkBytes = Array(linkName.utf8)
        var pax: [UInt8] = []
        if split == nil { pax += Self.paxRecord("path", Array(member.path.utf8)) }
        if linkBytes.count > 100 { pax += Self.paxRecord("linkpath", linkBytes) }
        if mtime < 0 || mtime > 0o77777777777 { pax += Self.paxRecord("mtime", Array(String(mtime).utf8)) }
        if !pax.isEmpty {
            out += Self.header(name: Array("PaxHeader".utf8), prefix: [], size: pax.count, mode: 0o644, mtime: 0,
                               typeflag: UInt8(ascii: "x"), linkName: [])
            Self.appendPadded(pax, to: &out)
        }
        let (prefix, name) = split ?? ([], Array(member.path.utf8.suffix(100)))
        out += Self.header(name: name, prefix: prefix, size: data.count, mode: member.mode,
                           mtime: min(max(mtime, 0), 0o77777777777), typeflag: typeflag,
                           linkName: Array(linkBytes.prefix(100)))
        Self.appendPadded(data, to: &out)
    }

    /// Splits a path into ustar `prefix` (≤155 bytes) and `name` (≤100 bytes) at a slash, or nil when impossible.
    static func ustarSplit(_ path: [UInt8]) -> (prefix: [UInt8], name: [UInt8])? {
        if path.count <= 100 { return ([], path) }
        for index in path.indices where path[index] == UInt8(ascii: "/") {
            let prefix = Array(path[..<index])
            let name = Array(path[(index + 1)...])
            if prefix.count <= 155, name.count <= 100, !name.isEmpty { return (prefix, name) }
        }
        return nil
    }

    /// `"<length> key=value\n"`, where length counts its own digits.
    static func paxRecord(_ key: String, _ value: [UInt8]) -> [UInt8] {
        let body = Array(" \(key)=".utf8) + value + [UInt8(ascii: "\n")]
        var length = body.count + 1
        while String(length).utf8.count + body.count != length { length = String(length).utf8.count + body.count }
        return Array(String(length).utf8) + body
    }

    static func header(
        name: [UInt8], prefix: [UInt8], size: Int, mode: UInt32, mtime: Int, typeflag: UInt8, linkName: [UInt8]
    ) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: TarHeader.blockSize)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (i, byte) in bytes.enumerated() { block[offset + i] = byte }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(Int(mode & 0o7777), width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        if size <= 0o77777777777 {
            put(octal(size, width: 12), at: 124)
        } else {
            // GNU base-256 for members of 8 GiB and more.
            var bytes = [UInt8](repeating: 0, count: 12)
            var value = size
            for i in stride(from: 11, through: 1, by: -1) {
                bytes[i] = UInt8(truncatingIfNeeded: value)
                value >>= 8
            }
            bytes[0] = 0x80
            put(bytes, at: 124)
        }
        put(octal(mtime, width: 12), at: 136)
        block[156] = typeflag
        put(linkName, at: 157)
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(prefix, at: 345)
        let checksum = TarHeader.checksum(block)
        put(octal(checksum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return block
    }

    static func appendPadded(_ data: [UInt8], to out: inout [UInt8]) {
        out += data
        let remainder = data.count % TarHeader.blockSize
        if remainder != 0 { out += [UInt8](repeating: 0, count: TarHeader.blockSize - remainder) }
    }
}
