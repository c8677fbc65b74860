import Testing
import StoreTestSupport
@testable import Storage

@Suite struct BlobStoreTests {
    func pattern(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) &+ seed }
    }

    @Test func chunkedBlobReadsBackByteForByte() async throws {
        let store = try TemporaryStore(options: StoreOptions(chunkSize: 4096))
        let (env, blobs) = (store.environment, store.blobs)
        let bytes = pattern(10_000, seed: 1)
        let writer = blobs.makeWriter()
        for piece in stride(from: 0, to: bytes.count, by: 777) {
            writer.append(Array(bytes[piece..<min(piece + 777, bytes.count)]))
            try await writer.flush()
        }
        let finished = try await writer.finish()
        #expect(finished.ref.chunkCount == 3)
        let ref = try await env.write { try blobs.commit(finished, in: $0) }
        #expect(try blobs.readAll(ref) == bytes)
        #expect(try blobs.statistics().pending == 0)
    }

    @Test func identicalContentIsStoredOnceAndFreedWithItsLastReference() async throws {
        let store = try TemporaryStore(options: StoreOptions(chunkSize: 4096))
        let (env, blobs) = (store.environment, store.blobs)
        let bytes = pattern(9000, seed: 2)
        var refs: [BlobRef] = []
        for _ in 0..<2 {
            let writer = blobs.makeWriter()
            writer.append(bytes)
            let finished = try await writer.finish()
            refs.append(try await env.write { try blobs.commit(finished, in: $0) })
        }
        #expect(refs[0] == refs[1])
        #expect(try blobs.statistics().blobs == 1)
        let chunkCount = try env.read { try $0.count(blobs.chunks) }
        #expect(chunkCount == 3)
        let (first, second) = (refs[0], refs[1])
        try await env.write { try blobs.release(first, in: $0) }
        #expect(try blobs.readAll(second) == bytes)
        try await env.write { try blobs.release(second, in: $0) }
        #expect(try blobs.statistics().blobs == 0)
        #expect(try env.read { try $0.count(blobs.chunks) } == 0)
    }

    @Test func anUncommittedBlobIsSweptAfterACrash() async throws {
        let dir = TemporaryDirectory()
        do {
            let env = try StoreEnvironment(path: dir.path, options: StoreOptions(chunkSize: 1024))
            let blobs = try BlobStore(environment: env)
            let writer = blobs.makeWriter()
            writer.append(pattern(5000, seed: 3))
            try await writer.flush()
            // No finish, no commit: the process "dies" here.
            env.close()
        }
        let env = try StoreEnvironment(path: dir.path, options: StoreOptions(chunkSize: 1024))
        let blobs = try BlobStore(environment: env)
        #expect(try env.read { try $0.count(blobs.chunks) } == 4)
        #expect(try await blobs.sweepPending() == 1)
        #expect(try env.read { try $0.count(blobs.chunks) } == 0)
    }

    @Test func abortedBlobLeavesNothing() async throws {
        let store = try TemporaryStore(options: StoreOptions(chunkSize: 1024))
        let (env, blobs) = (store.environment, store.blobs)
        let writer = blobs.makeWriter()
        writer.append(pattern(3000, seed: 4))
        try await writer.flush()
        await writer.abort()
        #expect(try env.read { try $0.count(blobs.chunks) } == 0)
        #expect(try blobs.statistics().pending == 0)
    }

    @Test func emptyBlobCommits() async throws {
        let store = try TemporaryStore()
        let (env, blobs) = (store.environment, store.blobs)
        let finished = try await blobs.makeWriter().finish()
        let ref = try await env.write { try blobs.commit(finished, in: $0) }
        #expect(ref.size == 0)
        #expect(try blobs.readAll(ref) == [])
    }
}
