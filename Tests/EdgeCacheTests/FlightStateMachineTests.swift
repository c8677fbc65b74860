import NIOCore
import Storage
import Testing
@testable import EdgeCache

/// The flight's decisions, driven directly: every change returns the waiters it makes ready, and
/// what each one gets. Waiters are labels; chunks are 4 bytes so offsets stay readable.
@Suite struct FlightStateMachineTests {
    typealias Machine = Flight.StateMachine<String, String>

    let pending = BlobID(bytes: Array(repeating: 1, count: 16))
    let final = BlobRef(id: BlobID(bytes: Array(repeating: 2, count: 16)), size: 6, chunkSize: 4, sha256: [])
    let streaming = FlightHead.streaming(contentType: "application/octet-stream", contentLength: 6, lastModified: "then")

    /// A machine whose head is out and whose body is being received into `pending`.
    func receiving() -> Machine {
        var machine = Machine(chunkSize: 4)
        _ = machine.publish(streaming)
        _ = machine.begin(pendingID: pending)
        return machine
    }

    func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    /// `label: step`, comparable in one `#expect`.
    func readers(_ wake: Machine.Wake) -> [String] {
        wake.readers.map { "\($0.reader): \(describe($0.step))" }
    }

    func heads(_ wake: Machine.Wake) -> [String] {
        wake.heads.map { "\($0.waiter): \(describe($0.head))" }
    }

    func describe(_ step: Flight.ReadStep) -> String {
        switch step {
        case .bytes(let buffer): "bytes \(String(buffer: buffer))"
        case .stored(let read): "stored \(read.pending == pending ? "pending" : "other") chunk \(read.index)+\(read.within) final \(read.final == nil ? "unknown" : read.final == final ? "known" : "other")"
        case .failed(let error): "failed \(error.message)"
        case .end: "end"
        }
    }

    func describe(_ head: FlightHead) -> String {
        switch head {
        case .streaming(_, let length, _): "streaming \(length.map(String.init) ?? "?")"
        case .stored(let entry): "stored \(entry.status)"
        case .whole(let entry, let served, _): "whole \(entry.status) \(String(buffer: served))"
        case .failed(let error): "failed \(error.message)"
        }
    }

    @Test func aHeadWaiterWaitsUntilTheHeadIsPublishedAndLaterOnesGetItAtOnce() {
        var machine = Machine(chunkSize: 4)
        #expect(machine.awaitHead("a").isEmpty)
        #expect(machine.awaitHead("b").isEmpty)
        #expect(heads(machine.publish(streaming)) == ["a: streaming 6", "b: streaming 6"])
        #expect(heads(machine.awaitHead("c")) == ["c: streaming 6"])
    }

    /// Waiters for the settled flight (requests that came after a whole body was answered) wait
    /// for `settle`, whichever comes first of it and the head; later ones get the head at once.
    @Test func settleWaitersWaitForTheCommitAndTheHead() {
        var machine = Machine(chunkSize: 4)
        #expect(machine.awaitSettled("a").isEmpty)
        #expect(machine.publish(streaming).heads.isEmpty, "published, not settled: a waits on")
        #expect(heads(machine.settle()) == ["a: streaming 6"])
        #expect(heads(machine.awaitSettled("b")) == ["b: streaming 6"])
        #expect(machine.settle().isEmpty, "settled once")

        var early = Machine(chunkSize: 4)
        #expect(early.settle().isEmpty)
        #expect(early.awaitSettled("c").isEmpty, "settled before its head: c waits for the head")
        #expect(heads(early.publish(streaming)) == ["c: streaming 6"])
    }

    @Test func theHeadIsPublishedOnce() {
        var machine = Machine(chunkSize: 4)
        _ = machine.publish(streaming)
        #expect(machine.publish(.streaming(contentType: "text/plain", contentLength: nil, lastModified: "now")).isEmpty)
        #expect(heads(machine.awaitHead("a")) == ["a: streaming 6"])
    }

    @Test func appendedBytesAreReadFromMemoryUntilTheirChunkIsPersisted() {
        var machine = receiving()
        #expect(machine.append(bytes("abcdef")).isEmpty, "nobody waits")
        #expect(machine.received == 6)
        #expect(readers(machine.read(from: 0, reader: "r")) == ["r: bytes abcd"], "one chunk at a time")
        #expect(readers(machine.read(from: 4, reader: "r")) == ["r: bytes ef"])
        #expect(readers(machine.read(from: 5, reader: "r")) == ["r: bytes f"])
        #expect(machine.bytesInMemory == 6)
        #expect(machine.persisted(chunks: 1).isEmpty)
        #expect(machine.bytesInMemory == 2, "the persisted chunk left memory")
        #expect(readers(machine.read(from: 1, reader: "r")) == ["r: stored pending chunk 0+1 final unknown"])
        #expect(readers(machine.read(from: 4, reader: "r")) == ["r: bytes ef"])
        #expect(machine.persisted(chunks: 2).isEmpty)
        #expect(machine.bytesInMemory == 0)
        #expect(machine.finish(final).isEmpty)
        #expect(readers(machine.read(from: 4, reader: "r")) == ["r: stored pending chunk 1+0 final known"])
        #expect(readers(machine.read(from: 6, reader: "r")) == ["r: end"])
    }

    @Test func aReaderAtTheEdgeWaitsAndIsWokenByTheNextBytesThenByTheEnd() {
        var machine = receiving()
        #expect(machine.read(from: 0, reader: "r").isEmpty, "nothing arrived yet")
        #expect(readers(machine.append(bytes("ab"))) == ["r: bytes ab"])
        #expect(machine.read(from: 2, reader: "r").isEmpty)
        #expect(machine.persisted(chunks: 0).isEmpty, "still nothing for it")
        #expect(readers(machine.finish(final)) == ["r: end"])
    }

    @Test func aReaderBehindPersistedChunksReadsTheStoreAndWaitsForTheFinalRefAfterAMiss() {
        var machine = receiving()
        _ = machine.append(bytes("abcdefgh"))
        _ = machine.persisted(chunks: 2)
        #expect(readers(machine.read(from: 5, reader: "late")) == ["late: stored pending chunk 1+1 final unknown"])
        // The commit deduplicated the pending blob before the flight heard of the final ref.
        #expect(machine.storeReadMissed(at: 5, reader: "late").isEmpty)
        #expect(machine.append(bytes("")).isEmpty, "a change that brings no ref does not wake it")
        #expect(readers(machine.finish(final)) == ["late: stored pending chunk 1+1 final known"])
        #expect(readers(machine.storeReadMissed(at: 5, reader: "again")) == ["again: stored pending chunk 1+1 final known"])
    }

    @Test func aFailureMidBodyReachesWaitingReadersAfterTheBytesInMemory() {
        var machine = receiving()
        _ = machine.append(bytes("abcdef"))
        _ = machine.persisted(chunks: 1)
        #expect(machine.read(from: 6, reader: "edge").isEmpty)
        #expect(machine.awaitHead("h").heads.count == 1)
        let failure = EdgeCacheError(.upstreamUnavailable, "cut")
        #expect(readers(machine.fail(failure)) == ["edge: failed cut"])
        #expect(heads(machine.awaitHead("h")) == ["h: streaming 6"], "the published head stays")
        #expect(readers(machine.read(from: 4, reader: "r")) == ["r: bytes ef"], "bytes still in memory are served")
        #expect(readers(machine.read(from: 0, reader: "r")) == ["r: stored pending chunk 0+0 final unknown"])
        // The aborted blob is gone: the reader learns of the failure instead of retrying forever.
        #expect(readers(machine.storeReadMissed(at: 0, reader: "r")) == ["r: failed cut"])
        #expect(machine.finish(final).isEmpty, "a failed flight stays failed")
        #expect(readers(machine.read(from: 6, reader: "r")) == ["r: failed cut"])
    }

    @Test func aFailureBeforeTheHeadBecomesTheHead() {
        var machine = Machine(chunkSize: 4)
        #expect(machine.awaitHead("a").isEmpty)
        #expect(heads(machine.fail(EdgeCacheError(.upstreamUnavailable, "no route"))) == ["a: failed no route"])
        #expect(heads(machine.awaitHead("b")) == ["b: failed no route"])
        #expect(machine.publish(streaming).isEmpty)
        #expect(heads(machine.awaitHead("c")) == ["c: failed no route"])
    }

    @Test func aFailedHeadFailsTheFlight() {
        var machine = Machine(chunkSize: 4)
        #expect(machine.awaitHead("a").isEmpty)
        #expect(heads(machine.publish(.failed(EdgeCacheError(.upstreamStatus(503), "503")))) == ["a: failed 503"])
        #expect(readers(machine.read(from: 0, reader: "r")) == ["r: failed 503"])
    }

    @Test func severalReadersAreWokenEachWithItsOwnBytes() {
        var machine = receiving()
        #expect(machine.read(from: 0, reader: "r1").isEmpty)
        #expect(machine.read(from: 0, reader: "r2").isEmpty)
        _ = machine.append(bytes("ab"))
        #expect(machine.read(from: 2, reader: "r3").isEmpty)
        let wake = machine.append(bytes("cdef"))
        #expect(readers(wake) == ["r3: bytes cd"], "r1 and r2 were woken by the first bytes")
        #expect(readers(machine.read(from: 2, reader: "r1")) == ["r1: bytes cd"])
        #expect(machine.read(from: 6, reader: "r1").isEmpty)
        #expect(machine.read(from: 6, reader: "r2").isEmpty)
        _ = machine.persisted(chunks: 2)
        #expect(readers(machine.finish(final)) == ["r1: end", "r2: end"])
    }
}
