import Synchronization
import Testing
import StoreTestSupport
@testable import Storage

@Suite struct StoreEnvironmentTests {
    /// A map that grew stays grown when the store is opened again with a smaller configured size,
    /// and statistics report the real size (what `wharf cache stats` prints), not the configured one.
    @Test func aGrownMapKeepsItsSizeAcrossOpens() async throws {
        let dir = TemporaryDirectory()
        var grown = 0
        do {
            let env = try StoreEnvironment(path: dir.path, options: StoreOptions(mapSize: 1 << 20))
            let table = try env.table("things")
            for index in 0..<8 {
                try await env.write { txn in try txn.put(table, key: StoreKey.make("k\(index)"), value: [UInt8](repeating: UInt8(index), count: 1 << 20)) }
            }
            grown = try env.statistics().mapSize
            #expect(grown >= 8 << 20)
            env.close()
        }
        let reopened = try StoreEnvironment(path: dir.path, options: StoreOptions(mapSize: 1 << 20))
        #expect(try reopened.statistics().mapSize == grown)
        reopened.close()
        let larger = try StoreEnvironment(path: dir.path, options: StoreOptions(mapSize: grown * 2))
        #expect(try larger.statistics().mapSize == grown * 2, "a larger configured size still applies")
    }

    /// A durable write is on disk (mdb_env_sync) before it returns; an ordinary one is not synced.
    @Test func durableWritesAreSyncedBeforeTheyReturn() async throws {
        let dir = TemporaryDirectory()
        let syncs = Mutex(0)
        let env = try StoreEnvironment(path: dir.path, options: StoreOptions(onSync: { syncs.withLock { $0 += 1 } }))
        let table = try env.table("things")
        let atOpen = syncs.withLock { $0 }
        try await env.write { txn in try txn.put(table, key: StoreKey.make("cache"), value: [1]) }
        #expect(syncs.withLock { $0 } == atOpen)
        let seenInside = try await env.write(durable: true) { txn in
            try txn.put(table, key: StoreKey.make("published"), value: [2])
            return syncs.withLock { $0 }
        }
        #expect(seenInside == atOpen, "the sync follows the commit")
        #expect(syncs.withLock { $0 } == atOpen + 1, "and happens before the write returns")
        try env.writeNow(durable: true) { txn in try txn.put(table, key: StoreKey.make("token"), value: [3]) }
        #expect(syncs.withLock { $0 } == atOpen + 2)
    }

    @Test func putGetScanDeleteRoundTrip() async throws {
        let dir = TemporaryDirectory()
        let env = try StoreEnvironment(path: dir.path)
        let table = try env.table("things")
        try await env.write { txn in
            for name in ["b/2", "a/1", "b/1", "c/1"] {
                try txn.put(table, key: StoreKey.make(name), value: Array(name.uppercased().utf8))
            }
        }
        let value = try env.read { try $0.get(table, key: StoreKey.make("a/1")) }
        #expect(value == Array("A/1".utf8))
        var seen: [String] = []
        try env.read { txn in
            try txn.scan(table, prefix: StoreKey.make("b/")) { key, _ in
                seen.append(String(decoding: key, as: UTF8.self)); return true
            }
        }
        #expect(seen == ["b/1", "b/2"])
        let deleted = try await env.write { try $0.delete(table, key: StoreKey.make("b/1")) }
        #expect(deleted)
        #expect(try env.read { try $0.get(table, key: StoreKey.make("b/1")) } == nil)
        let inserted = try await env.write { try $0.insert(table, key: StoreKey.make("a/1"), value: [1]) }
        #expect(!inserted)
    }

    @Test func longKeysAreHashedButStayDistinctAndPrefixScannable() async throws {
        let dir = TemporaryDirectory()
        let env = try StoreEnvironment(path: dir.path)
        let table = try env.table("long")
        let base = String(repeating: "x", count: 600)
        let first = StoreKey.make(base + "1"), second = StoreKey.make(base + "2")
        #expect(first.count <= StoreKey.maxLength)
        #expect(first != second)
        try await env.write { txn in
            try txn.put(table, key: first, value: [1])
            try txn.put(table, key: second, value: [2])
        }
        #expect(try env.read { try $0.get(table, key: first) } == [1])
        #expect(try env.read { try $0.get(table, key: second) } == [2])
        var count = 0
        try env.read { txn in try txn.scan(table, prefix: StoreKey.make(String(repeating: "x", count: 100))) { _, _ in count += 1; return true } }
        #expect(count == 2)
    }

    @Test func aStoreOfAnotherFormatIsRefused() async throws {
        let dir = TemporaryDirectory()
        do {
            let env = try StoreEnvironment(path: dir.path)
            let meta = try env.table("meta")
            try await env.write { try $0.put(meta, key: StoreKey.make("format"), value: Array("wharf-store-0".utf8)) }
            env.close()
        }
        #expect {
            _ = try StoreEnvironment(path: dir.path)
        } throws: { error in
            guard let error = error as? StorageError, case .incompatibleFormat(let found, _) = error.kind else { return false }
            return found == "wharf-store-0"
        }
    }

    @Test func dataSurvivesReopening() async throws {
        let dir = TemporaryDirectory()
        do {
            let env = try StoreEnvironment(path: dir.path)
            let table = try env.table("keep")
            try await env.write { try $0.put(table, key: [1, 2, 3], value: [9]) }
            env.close()
        }
        let env = try StoreEnvironment(path: dir.path)
        let table = try env.table("keep")
        #expect(try env.read { try $0.get(table, key: [1, 2, 3]) } == [9])
    }

    @Test func concurrentWritersLoseNothing() async throws {
        let dir = TemporaryDirectory()
        let env = try StoreEnvironment(path: dir.path)
        let table = try env.table("counter")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try await env.write { txn in
                        let current = try txn.withValue(table, key: [0]) { raw in raw.loadUnaligned(as: UInt32.self) } ?? 0
                        try withUnsafeBytes(of: current + 1) { try txn.put(table, key: [0], bytes: $0) }
                        try txn.put(table, key: Array("item\(i)".utf8), value: [1])
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = try env.read { txn in try txn.withValue(table, key: [0]) { $0.loadUnaligned(as: UInt32.self) } }
        #expect(total == 200)
        #expect(try env.read { try $0.count(table) } == 201)
    }

    /// Writes that arrive together commit together (group commit), yet each stays all or nothing:
    /// the ones that throw leave nothing, the others everything, and each gets its own value.
    @Test func writesCommittedTogetherStayAllOrNothingEach() async throws {
        let dir = TemporaryDirectory()
        let env = try StoreEnvironment(path: dir.path)
        let table = try env.table("batch")
        struct Refused: Error {}
        let results = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for i in 0..<300 {
                group.addTask {
                    do {
                        let echoed = try await env.write { txn -> Int in
                            try txn.put(table, key: Array("first\(i)".utf8), value: [1])
                            if i % 3 == 0 { throw Refused() }
                            try txn.put(table, key: Array("second\(i)".utf8), value: [2])
                            return i
                        }
                        #expect(echoed == i)
                        return (i, true)
                    } catch is Refused {
                        return (i, false)
                    }
                }
            }
            return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 300)
        let stored = try env.read { txn in
            try (0..<300).map { i in
                (try txn.contains(table, key: Array("first\(i)".utf8)), try txn.contains(table, key: Array("second\(i)".utf8)))
            }
        }
        for i in 0..<300 {
            let kept = i % 3 != 0
            #expect(results[i] == kept)
            #expect(stored[i] == (kept, kept))
        }
        #expect(try env.read { try $0.count(table) } == 200 * 2)
    }

    /// A durable write that shares a commit with plain ones is still synced before it returns.
    @Test func aDurableWriteInAGroupIsSynced() async throws {
        final class Syncs: Sendable {
            let count = Mutex(0)
            var now: Int { count.withLock { $0 } }
        }
        let dir = TemporaryDirectory()
        let syncs = Syncs()
        let env = try StoreEnvironment(path: dir.path, options: StoreOptions(onSync: { syncs.count.withLock { $0 += 1 } }))
        let table = try env.table("things")
        let atOpen = syncs.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask {
                    let durable = i == 25
                    try await env.write(durable: durable) { txn in try txn.put(table, key: [UInt8(i)], value: [1]) }
                    if durable { #expect(syncs.now > atOpen) }
                }
            }
            try await group.waitForAll()
        }
        #expect(syncs.now == atOpen + 1, "one flush, for the one durable write")
        #expect(try env.read { try $0.count(table) } == 50)
    }

    /// From a 1 MiB map to hundreds of megabytes, with readers running: nobody sees MDB_MAP_FULL.
    @Test func mapGrowsFromTinyWithoutErrors() async throws {
        let dir = TemporaryDirectory()
        let env = try StoreEnvironment(path: dir.path, options: StoreOptions(mapSize: 1 << 20))
        let blobs = try BlobStore(environment: env)
        let records = try env.table("records")
        let chunk = [UInt8](repeating: 7, count: 1 << 20)
        let readers = Task {
            var reads = 0
            while !Task.isCancelled {
                reads += try env.read { try $0.count(records) }
                await Task.yield()
            }
            return reads
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for file in 0..<16 {
                group.addTask {
                    let writer = blobs.makeWriter()
                    for part in 0..<20 {
                        var bytes = chunk
                        bytes[0] = UInt8(file); bytes[1] = UInt8(part)
                        writer.append(bytes)
                        try await writer.flush()
                    }
                    let finished = try await writer.finish()
                    try await env.write { txn in
                        let ref = try blobs.commit(finished, in: txn)
                        var w = ByteWriter(); ref.encode(into: &w)
                        try txn.put(records, key: [UInt8(file)], value: w.bytes)
                    }
                }
            }
            try await group.waitForAll()
        }
        readers.cancel()
        _ = try await readers.value
        let stats = try env.statistics()
        #expect(stats.mapSize >= 320 << 20)
        #expect(try env.read { try $0.count(records) } == 16)
        #expect(try blobs.statistics().bytes == 16 * 20 << 20)
    }
}

@Suite struct ClosedStoreTests {
    /// A task that outlives the server gets an error, not a use-after-free.
    @Test func readsAndWritesAfterCloseThrow() async throws {
        let dir = TemporaryDirectory()
        let env = try StoreEnvironment(path: dir.path)
        let table = try env.table("t")
        env.close()
        #expect(throws: StorageError.self) { try env.read { try $0.get(table, key: [1]) } }
        await #expect(throws: StorageError.self) { try await env.write { try $0.put(table, key: [1], value: [2]) } }
        #expect(throws: StorageError.self) { try env.statistics() }
        env.close()
    }
}
