import Storage
import Testing
import WharfTestSupport
@testable import EdgeCache

/// The purge log other processes read: records commit with their purge, in order, and a reader
/// that fell behind the kept records is told that anything may have gone.
@Suite struct PurgeLogTests {
    @Test func purgesAreReadBackInOrderAfterAGivenRecord() async throws {
        let store = try TemporaryStore("purge-log")
        defer { withExtendedLifetime(store) {} }
        let maintenance = try CacheMaintenance(blobs: store.blobs)
        #expect(try maintenance.purges.since(0) == PurgeLog.Since(last: 0, prefixes: []))
        _ = try await maintenance.purge(prefix: "ga.jspm.io/npm:a@1.0.0/")
        _ = try await maintenance.purge(prefix: "unpkg.com/b@")
        #expect(try maintenance.purges.since(0) == PurgeLog.Since(last: 2, prefixes: ["ga.jspm.io/npm:a@1.0.0/", "unpkg.com/b@"]))
        #expect(try maintenance.purges.since(1) == PurgeLog.Since(last: 2, prefixes: ["unpkg.com/b@"]))
        #expect(try maintenance.purges.since(2) == PurgeLog.Since(last: 2, prefixes: []))
        // Another opening of the same store (another process) reads the same records.
        #expect(try CacheMaintenance(blobs: store.blobs).purges.since(1).prefixes == ["unpkg.com/b@"])
    }

    @Test func aReaderBehindTheKeptRecordsIsToldEverythingMayHaveGone() async throws {
        let store = try TemporaryStore("purge-log")
        defer { withExtendedLifetime(store) {} }
        let maintenance = try CacheMaintenance(blobs: store.blobs)
        let total = Int(PurgeLog.kept) + 3
        for index in 1...total { _ = try await maintenance.purge(prefix: "host/\(index)") }
        let count = try store.environment.read { try $0.count(maintenance.purges.table) }
        #expect(count == Int(PurgeLog.kept))
        #expect(try maintenance.purges.since(0) == PurgeLog.Since(last: UInt64(total), prefixes: nil))
        #expect(try maintenance.purges.since(2) == PurgeLog.Since(last: UInt64(total), prefixes: nil))
        // The oldest kept record is 4: a reader at 3 has lost nothing.
        #expect(try maintenance.purges.since(3).prefixes?.count == Int(PurgeLog.kept))
        #expect(try maintenance.purges.since(UInt64(total) - 1).prefixes == ["host/\(total)"])
    }
}
