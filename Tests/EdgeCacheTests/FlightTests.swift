import NIOCore
import Storage
import Testing
import WharfTestSupport
@testable import EdgeCache

/// A flight over a real LMDB store, fed the way `EdgeCache.receive` feeds it: readers get the
/// upstream's bytes from memory, from the pending blob, or from the blob the commit kept.
@Suite struct FlightTests {
    let directory = TemporaryDirectory("flight")
    let blobs: BlobStore
    static let chunkSize = 4096
    let body = TestOrigin.pattern(offset: 0, count: 10_000)
    let head = FlightHead.streaming(contentType: "application/octet-stream", contentLength: 10_000, lastModified: "then")

    init() throws {
        let environment = try StoreEnvironment(path: directory.path, options: StoreOptions(chunkSize: Self.chunkSize))
        blobs = try BlobStore(environment: environment)
    }

    /// A flight whose head is out and whose body goes into a fresh pending blob.
    func start(_ key: String) -> (Flight, BlobWriter) {
        let flight = Flight(key: key, blobs: blobs), writer = blobs.makeWriter()
        flight.begin(pendingID: writer.id)
        flight.publish(head)
        return (flight, writer)
    }

    /// The body committed once before, so the next commit of the same bytes is deduplicated into it.
    func storeCopy() async throws -> BlobRef {
        let writer = blobs.makeWriter()
        writer.append(body)
        let finished = try await writer.finish()
        let blobs = blobs
        return try await blobs.environment.write { try blobs.commit(finished, in: $0) }
    }

    /// Appends `bytes` to the writer and the flight, persisting full chunks as the fetch does.
    func feed(_ bytes: ArraySlice<UInt8>, _ writer: BlobWriter, _ flight: Flight) async throws {
        writer.append(Array(bytes))
        flight.append(ByteBuffer(bytes: bytes))
        if writer.bufferedBytes >= Self.chunkSize {
            try await writer.flush()
            flight.persisted(chunks: writer.flushedChunks)
        }
    }

    /// Finishes the blob, commits it and tells the flight, as a 200 that arrived whole.
    func complete(_ writer: BlobWriter, _ flight: Flight) async throws -> BlobRef {
        let finished = try await writer.finish()
        flight.persisted(chunks: writer.flushedChunks)
        let blobs = blobs
        let ref = try await blobs.environment.write { try blobs.commit(finished, in: $0) }
        flight.finish(ref)
        return ref
    }

    func collect(_ flight: Flight) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await buffer in LiveBody(flight: flight, contentLength: nil) { bytes += buffer.readableBytesView }
        return bytes
    }

    @Test func aLateReaderReadsPersistedChunksBackAndThenFollowsTheFetch() async throws {
        let (flight, writer) = start("test/late.bin")
        try await feed(body[0..<9000], writer, flight)
        #expect(writer.flushedChunks == 2, "two chunks are in the store, only the rest in memory")
        async let read = collect(flight)
        try await feed(body[9000...], writer, flight)
        _ = try await complete(writer, flight)
        #expect(try await read == body)
    }

    @Test func aReaderAfterADeduplicatedCommitReadsTheBlobTheStoreKept() async throws {
        let kept = try await storeCopy()

        let (flight, writer) = start("test/same.bin")
        try await feed(body[...], writer, flight)
        let ref = try await complete(writer, flight)
        #expect(ref == kept, "equal bytes are stored once: the pending blob was dropped")
        #expect(try await collect(flight) == body)
    }

    @Test func aReaderThatMissesThePendingBlobWaitsForTheFinalRef() async throws {
        let kept = try await storeCopy()

        let (flight, writer) = start("test/gap.bin")
        try await feed(body[...], writer, flight)
        let finished = try await writer.finish()
        flight.persisted(chunks: writer.flushedChunks)
        // Committed (and deduplicated), but the flight has not heard of it yet.
        _ = try await blobs.environment.write { try blobs.commit(finished, in: $0) }
        async let read = collect(flight)
        flight.finish(kept)
        #expect(try await read == body)
    }

    @Test func aFailureMidBodyReachesTheReaderAfterTheBytesBeforeIt() async throws {
        let (flight, writer) = start("test/cut.bin")
        try await feed(body[0..<5000], writer, flight)
        var iterator = LiveBody(flight: flight, contentLength: nil).makeAsyncIterator()
        var received = 0
        while received < 5000, let buffer = try await iterator.next() { received += buffer.readableBytes }
        #expect(received == 5000)
        await writer.abort()
        flight.fail(EdgeCacheError(.upstreamUnavailable, "the upstream body failed"))
        await #expect(throws: EdgeCacheError.self) { _ = try await iterator.next() }
        await #expect(throws: EdgeCacheError.self) { _ = try await collect(flight) }
    }

    @Test func everyReaderOfOneFlightGetsTheWholeBody() async throws {
        let flight = Flight(key: "test/shared.bin", blobs: blobs)
        async let first = collect(flight)
        async let second = collect(flight)
        let writer = blobs.makeWriter()
        flight.begin(pendingID: writer.id)
        flight.publish(head)
        for offset in stride(from: 0, to: body.count, by: 1000) {
            try await feed(body[offset..<min(offset + 1000, body.count)], writer, flight)
        }
        _ = try await complete(writer, flight)
        #expect(try await first == body)
        #expect(try await second == body)
        #expect(await flight.awaitHead().isStreaming)
    }
}

extension FlightHead {
    var isStreaming: Bool { if case .streaming = self { true } else { false } }
}
