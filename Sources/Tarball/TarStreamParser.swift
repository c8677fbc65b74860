#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Parses a tar byte stream fed in arbitrary chunks, so gzip output can be checked as it is inflated.
///
/// Limits on counts and declared sizes are enforced at each header, before any of that member's data arrives.
struct TarStreamParser {
    /// A regular file as found in the archive, its path not yet validated.
    struct Member {
        var path: [UInt8]
        var bytes: [UInt8]
        var mode: UInt32?
        var modified: Date?
    }

    /// A member that is not a regular file (link, directory, device…): never kept, only reported.
    struct Special {
        var path: [UInt8]
        /// The header's typeflag, except that an old-style directory (regular type, trailing `/`) reads `5`.
        var typeflag: UInt8
    }

    /// Where a member's data goes.
    private enum Sink {
        case file
        case metadata(typeflag: UInt8)
        case skip
    }

    private enum Phase {
        case header
        case data
        case ended
    }

    /// A PAX or GNU long-name record larger than this is refused; real ones are a few hundred bytes.
    static let maxMetadataSize = 1024 * 1024
    /// More metadata headers than this in a row before a member is refused as malformed.
    static let maxMetadataRun = 8

    let limits: TarLimits
    private(set) var members: [Member] = []
    /// Links, directories, devices and unknown types, in archive order, so stricter registries can refuse them.
    private(set) var specials: [Special] = []

    private var phase = Phase.header
    private var block: [UInt8] = []
    private var remaining = 0
    private var padding = 0
    private var sink = Sink.skip
    private var current: Member?
    private var metadata: [UInt8] = []

    private var offset = 0
    private var sawFirstBlock = false
    private var zeroBlocks = 0
    private var memberCount = 0
    private var dataTotal = 0
    private var metadataRun = 0
    private var pax: PaxRecords?
    private var gnuLongName: [UInt8]?

    init(limits: TarLimits) {
        self.limits = limits
        block.reserveCapacity(TarHeader.blockSize)
    }

    /// True once the end-of-archive marker has been read; later bytes are ignored.
    var isFinished: Bool { phase == .ended }

    mutating func consume(_ chunk: ArraySlice<UInt8>) throws(TarballError) {
        var index = chunk.startIndex
        while index < chunk.endIndex {
            switch phase {
            case .ended:
                return
            case .header:
                let take = min(TarHeader.blockSize - block.count, chunk.endIndex - index)
                block.append(contentsOf: chunk[index..<(index + take)])
                index += take
                if block.count == TarHeader.blockSize {
                    try handleBlock()
                    offset += TarHeader.blockSize
                    block.removeAll(keepingCapacity: true)
                    try completeMemberIfDone()
                }
            case .data:
                if remaining > 0 {
                    let take = min(remaining, chunk.endIndex - index)
                    accept(chunk[index..<(index + take)])
                    remaining -= take
                    offset += take
                    index += take
                } else {
                    let take = min(padding, chunk.endIndex - index)
                    padding -= take
                    offset += take
                    index += take
                }
                try completeMemberIfDone()
            }
        }
    }

    /// Call at end of input: returns the regular files, or says why the stream is not a complete archive.
    mutating func finish() throws(TarballError) -> [Member] {
        switch phase {
        case .ended:
            return members
        case .header where !sawFirstBlock:
            // Not even one header: a tar only if the partial block already shows the magic.
            if TarHeader.hasUstarMagic(block[...]) {
                throw .corrupt("archive is truncated inside the first header")
            }
            throw .notATar
        case .header where block.isEmpty && zeroBlocks == 1:
            // A lone end block at EOF: GNU tar accepts it, and no member is ambiguous.
            return members
        case .header:
            throw .corrupt("archive is truncated at offset \(offset + block.count): no end-of-archive marker")
        case .data:
            throw .corrupt("archive is truncated inside a member at offset \(offset)")
        }
    }

    private mutating func accept(_ bytes: ArraySlice<UInt8>) {
        switch sink {
        case .file: current?.bytes.append(contentsOf: bytes)
        case .metadata: metadata.append(contentsOf: bytes)
        case .skip: break
        }
    }

    private mutating func handleBlock() throws(TarballError) {
        let first = !sawFirstBlock
        sawFirstBlock = true
        if TarHeader.isZeroBlock(block[...]) {
            zeroBlocks += 1
            if zeroBlocks == 2 { phase = .ended }
            return
        }
        guard zeroBlocks == 0 else {
            throw .corrupt("zero block followed by a header at offset \(offset)")
        }
        let checksumOK = TarHeader.checksumMatches(block[...])
        if first && !checksumOK && !TarHeader.hasUstarMagic(block[...]) {
            throw .notATar
        }
        guard checksumOK else { throw .corrupt("header checksum mismatch at offset \(offset)") }
        let header = try TarHeader(block: block[...], offset: offset)

        switch header.typeflag {
        case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
            metadataRun += 1
            guard metadataRun <= Self.maxMetadataRun else {
                throw .corrupt("too many metadata headers in a row at offset \(offset)")
            }
            guard header.size <= Self.maxMetadataSize else {
                throw .tooLarge("metadata record of \(header.size) bytes at offset \(offset)")
            }
            try count(data: header.size)
            metadata.removeAll(keepingCapacity: true)
            startData(size: header.size, sink: .metadata(typeflag: header.typeflag))
        default:
            try startMember(header)
        }
    }

    private mutating func startMember(_ header: TarHeader) throws(TarballError) {
        metadataRun = 0
        memberCount += 1
        guard memberCount <= limits.maxEntries else {
            throw .tooLarge("more than \(limits.maxEntries) entries")
        }
        let path = pax?.path ?? gnuLongName ?? header.headerPath
        let size = pax?.size ?? header.size
        let modified = pax?.mtime.map { Date(timeIntervalSince1970: $0) }
            ?? header.mtime.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        pax = nil
        gnuLongName = nil

        let regularTypes: [UInt8] = [UInt8(ascii: "0"), 0, UInt8(ascii: "7")]
        // A trailing slash on a regular-file type is the old (v7) way of writing a directory.
        let isFile = regularTypes.contains(header.typeflag) && path.last != UInt8(ascii: "/")
        switch header.typeflag {
        case _ where isFile:
            try count(data: size)
            current = Member(path: path, bytes: [], mode: header.mode, modified: modified)
            current?.bytes.reserveCapacity(min(size, 1024 * 1024))
            startData(size: size, sink: .file)
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"),
             UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"),
             UInt8(ascii: "4"), UInt8(ascii: "5"), UInt8(ascii: "6"):
            // Links, devices and directories carry no data; readers disagree on what a size here means, so refuse it.
            guard size == 0 else {
                throw .corrupt("link, device or directory entry declares \(size) bytes of data at offset \(offset)")
            }
            let isOldStyleDirectory = regularTypes.contains(header.typeflag)
            specials.append(Special(path: path, typeflag: isOldStyleDirectory ? UInt8(ascii: "5") : header.typeflag))
            startData(size: 0, sink: .skip)
        default:
            // Unknown or vendor types (GNU sparse, volume labels…): consumed but never kept.
            specials.append(Special(path: path, typeflag: header.typeflag))
            try count(data: size)
            startData(size: size, sink: .skip)
        }
    }

    private mutating func count(data size: Int) throws(TarballError) {
        let (total, overflow) = dataTotal.addingReportingOverflow(size)
        guard !overflow, total <= limits.maxUncompressedSize else {
            throw .tooLarge("more than \(limits.maxUncompressedSize) bytes of uncompressed data")
        }
        dataTotal = total
    }

    private mutating func startData(size: Int, sink: Sink) {
        self.sink = sink
        remaining = size
        padding = (TarHeader.blockSize - size % TarHeader.blockSize) % TarHeader.blockSize
        phase = .data
    }

    private mutating func completeMemberIfDone() throws(TarballError) {
        guard phase == .data, remaining == 0, padding == 0 else { return }
        phase = .header
        switch sink {
        case .file:
            if let current { members.append(current) }
            current = nil
        case .metadata(typeflag: UInt8(ascii: "x")):
            pax = try PaxRecords(parsing: metadata)
        case .metadata(typeflag: UInt8(ascii: "L")):
            gnuLongName = TarHeader.cString(metadata[...])
        case .metadata, .skip:
            break
        }
        metadata.removeAll(keepingCapacity: true)
    }
}
