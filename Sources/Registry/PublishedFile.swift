import Storage

/// A file of a published version, ready to serve: where its bytes are and what they are.
/// Both registries (Eik and JSR) store their files this way.
public struct PublishedFile: Sendable {
    public var blob: Storage.BlobRef
    public var mimeType: String

    /// The stored record: the blob reference, then the mime type.
    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        blob.encode(into: &writer)
        writer.write(mimeType)
        return writer.bytes
    }

    static func decode(_ raw: UnsafeRawBufferPointer) throws -> PublishedFile {
        var reader = ByteReader(raw)
        return PublishedFile(blob: try BlobRef.decode(from: &reader), mimeType: try reader.readString())
    }

    /// The record and, when it fits in one chunk, its bytes, read in the caller's snapshot (the hot path).
    static func withBody(_ table: Table, key: [UInt8], blobs: BlobStore, in txn: borrowing ReadTransaction) throws -> (PublishedFile, [UInt8]?)? {
        guard let stored = try txn.withValue(table, key: key, decode) else { return nil }
        guard stored.blob.chunkCount == 1 else { return (stored, stored.blob.size == 0 ? [] : nil) }
        return (stored, try blobs.withChunk(stored.blob.id, index: 0, in: txn) { Array($0) })
    }
}

/// Bytes on their way into a publishing transaction. Bodies up to one chunk are written inside the
/// transaction itself; larger ones are streamed into pending chunks first so it stays short.
enum StagedBlob: Sendable {
    case prepared(BlobStore.PreparedBlob)
    case streamed(FinishedBlob)

    /// Stages `bodies`, in order, and hands them to `body` (which commits them in its transaction).
    /// If staging or `body` fails, every blob streamed so far is dropped before the error is rethrown.
    static func withStaged<T>(_ bodies: [[UInt8]], in blobs: BlobStore, _ body: ([StagedBlob]) async throws -> T) async throws -> T {
        var writers: [BlobWriter] = []
        do {
            var staged: [StagedBlob] = []
            staged.reserveCapacity(bodies.count)
            for bytes in bodies { staged.append(try await stage(bytes, in: blobs, writers: &writers)) }
            return try await body(staged)
        } catch {
            for writer in writers { await writer.abort() }
            throw error
        }
    }

    private static func stage(_ bytes: [UInt8], in blobs: BlobStore, writers: inout [BlobWriter]) async throws -> StagedBlob {
        if bytes.count <= blobs.chunkSize { return .prepared(blobs.prepare(bytes)) }
        let writer = blobs.makeWriter()
        writers.append(writer)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + blobs.chunkSize, bytes.count)
            writer.append(Array(bytes[offset..<end]))
            try await writer.flush()
            offset = end
        }
        return .streamed(try await writer.finish())
    }

    func commit(to blobs: BlobStore, in txn: borrowing WriteTransaction) throws -> BlobRef {
        switch self {
        case .prepared(let blob): try blobs.commit(blob, in: txn)
        case .streamed(let blob): try blobs.commit(blob, in: txn)
        }
    }
}
