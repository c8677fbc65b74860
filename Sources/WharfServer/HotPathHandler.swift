import EdgeCache
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Answers `GET`/`HEAD` for files in the hot cache straight on the event loop, in front of NIO's
/// HTTP decoder and all of Hummingbird (router, request context, middleware, body writer); hands
/// every other request's bytes on untouched.
///
/// It reads the raw bytes of each request head itself: the request line, and only the header
/// fields that can change a file's answer or the framing. The plain 200 it writes is the entry's
/// pre-encoded head, a `Date` line and the body; conditional and range requests get their 304, 206
/// or 416 from the same `FileAnswer` rules as the routed path. Written below the response encoder,
/// its answers never reach the decoder's record of pending requests (which must stay paired with
/// the routed answers).
///
/// It only ever hands on whole request heads, so the decoder always starts at a request's first
/// byte. Anything it does not understand for certain (a body, `Upgrade`, bare LF line ends, a head
/// over 16 KiB, folded header lines…) turns it off for the rest of the connection: from there every
/// byte goes to the decoder. Order: a request is answered here only while no request handed on is
/// unanswered (see `ResponseWatcher`), so pipelined requests keep their order.
final class HotPathHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let cache: HotCache
    private let counters: HotCounters
    private var slot: HotCounters.Slot?
    private let deadlines: ConnectionDeadlinesHandler
    private let accessLog: Logger?
    /// Looks up `/cdn/` requests the hot cache does not hold; nil: they all go to the routes.
    private let lookups: CDNHotLookup?
    /// A request of this connection is being looked up: what arrives meanwhile waits in `pending`.
    private var lookingUp = false
    /// Events that came while looking up, passed on after the answer (they may end the input).
    private var heldEvents: [Any] = []
    private var context: ChannelHandlerContext?
    /// Bytes of a head not complete yet.
    private var pending: ByteBuffer?
    /// Off for the rest of the connection: every byte goes to the decoder.
    private var passingAll = false
    /// Requests handed on whose response has not ended.
    fileprivate var handedOn = 0
    private var needsFlush = false
    /// Whether bytes went on to the decoder since the last read completed: only then do the
    /// handlers behind hear `channelReadComplete` (a hot answer needs none of them).
    private var handedOnSinceReadComplete = false
    /// The channel's writability, kept from its events rather than asked per request.
    private var isWritable = true
    private var allocator = ByteBufferAllocator()
    private var date = DateLine()

    static let maxHeadSize = 16 << 10

    init(cache: HotCache, counters: HotCounters, deadlines: ConnectionDeadlinesHandler, accessLog: Logger?, lookups: CDNHotLookup?) {
        self.lookups = lookups
        self.cache = cache
        self.counters = counters
        self.deadlines = deadlines
        self.accessLog = accessLog
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        slot = counters.slot(for: context.eventLoop)
        allocator = context.channel.allocator
        isWritable = context.channel.isWritable
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        isWritable = context.channel.isWritable
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines.bytesArrived()
        if passingAll {
            handedOnSinceReadComplete = true
            return context.fireChannelRead(data)
        }
        var input = unwrapInboundIn(data)
        if var buffered = pending {
            pending = nil
            buffered.writeBuffer(&input)
            input = buffered
        }
        if lookingUp {
            pending = input
            // A client that sends on and on while its request is looked up waits to be read.
            if input.readableBytes > Self.maxHeadSize { context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in } }
            return
        }
        process(input, context: context)
    }

    /// Answers or hands on every whole head in `input`, up to a lookup; keeps the rest in `pending`.
    private func process(_ input: ByteBuffer, context: ChannelHandlerContext) {
        var input = input
        while input.readableBytes > 0 {
            switch RequestHead.parse(input) {
            case .incomplete:
                if input.readableBytes > Self.maxHeadSize { return passAll(input, context: context) }
                pending = input
                return
            case .unusual:
                return passAll(input, context: context)
            case .head(let head):
                let bytes = input.readSlice(length: head.length)!
                let target = head.target(in: bytes)
                if handedOn == 0, head.isHotCandidate, isWritable, let entry = cache.lookup(target) {
                    answer(head, bytes: bytes, with: entry, context: context)
                    // Hits only: after a miss's answer the loop has the upstream's work to do.
                    slot?.tickYield.afterThisTick(on: context.eventLoop)
                } else if handedOn == 0, head.isHotCandidate, isWritable, let lookups, let (address, text) = lookups.address(of: target) {
                    if input.readableBytes > 0 { pending = input }
                    return lookUp(address, target: text, head: head, bytes: bytes, lookups: lookups, context: context)
                } else {
                    handedOn += 1
                    handedOnSinceReadComplete = true
                    context.fireChannelRead(wrapInboundOut(bytes))
                }
            }
        }
    }

    private func lookUp(_ address: CacheAddress, target: String, head: RequestHead, bytes: ByteBuffer, lookups: CDNHotLookup, context: ChannelHandlerContext) {
        lookingUp = true
        deadlines.requestTaken()
        let loop = context.eventLoop
        let this = NIOLoopBound(self, eventLoop: loop)
        lookups.lookup(address, target: target) { outcome in
            if loop.inEventLoop {
                this.value.lookedUp(outcome, target: target, head: head, bytes: bytes)
            } else {
                loop.execute { this.value.lookedUp(outcome, target: target, head: head, bytes: bytes) }
            }
        }
    }

    /// Answers or hands on the looked-up request, then goes on with what came meanwhile.
    private func lookedUp(_ outcome: CDNHotLookup.Outcome, target: String, head: RequestHead, bytes: ByteBuffer) {
        lookingUp = false
        guard let context, context.channel.isActive else { return }
        switch outcome {
        case .answer(let entry):
            deadlines.takenRequestEnded(answered: true)
            answer(head, bytes: bytes, with: entry, context: context)
        case .handOn(let result):
            deadlines.takenRequestEnded(answered: false)
            lookups?.handOff.put(result, target: target, connection: ObjectIdentifier(context.channel))
            handedOn += 1
            handedOnSinceReadComplete = true
            context.fireChannelRead(wrapInboundOut(bytes))
        }
        if let rest = pending {
            pending = nil
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            process(rest, context: context)
        }
        if !lookingUp {
            let events = heldEvents
            heldEvents = []
            for event in events { userInboundEventTriggered(context: context, event: event) }
        }
        channelReadComplete(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        guard handedOnSinceReadComplete else { return }
        handedOnSinceReadComplete = false
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if lookingUp { return heldEvents.append(event) }
        handOnPending(context)
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        lookups?.handOff.drop(connection: ObjectIdentifier(context.channel))
        handOnPending(context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        handOnPending(context)
    }

    fileprivate func responseEnded() {
        handedOn = max(0, handedOn - 1)
    }

    /// A part of a head that will never be complete (the client half-closed or left): the decoder
    /// says what it makes of it.
    private func handOnPending(_ context: ChannelHandlerContext) {
        guard let bytes = pending else { return }
        pending = nil
        passingAll = true
        handedOnSinceReadComplete = true
        context.fireChannelRead(wrapInboundOut(bytes))
    }

    private func passAll(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        passingAll = true
        handedOnSinceReadComplete = true
        context.fireChannelRead(wrapInboundOut(bytes))
    }

    private func answer(_ head: RequestHead, bytes: ByteBuffer, with entry: HotEntry, context: ChannelHandlerContext) {
        let started: NIODeadline? = accessLog == nil ? nil : .now()
        let status: Int
        var sent = 0
        if head.conditions.isEmpty {
            status = 200
            let body = head.isHEAD ? nil : entry.body
            let dateLine = date.current()
            // A small body goes in the head's buffer: one write, one buffer per answer.
            let inline = (body?.readableBytes ?? 0) <= Self.inlineBodyLimit
            var out = allocator.buffer(capacity: entry.head.readableBytes + dateLine.readableBytes + (inline ? body?.readableBytes ?? 0 : 0))
            out.writeImmutableBuffer(entry.head)
            out.writeImmutableBuffer(dateLine)
            if inline, let body { out.writeImmutableBuffer(body) }
            context.write(NIOAny(IOData.byteBuffer(out)), promise: nil)
            if !inline, let body { context.write(NIOAny(IOData.byteBuffer(body)), promise: nil) }
            sent = body?.readableBytes ?? 0
        } else {
            let (code, headers, span) = entry.answer.head(entry.answer.outcome(of: head.conditionFields(in: bytes)))
            status = code.code
            var out = HeadEncoding.encode(code, headers)
            out.writeImmutableBuffer(date.current())
            context.write(NIOAny(IOData.byteBuffer(out)), promise: nil)
            if !head.isHEAD, let span, !span.isEmpty {
                context.write(NIOAny(IOData.byteBuffer(entry.body.getSlice(at: entry.body.readerIndex + span.lowerBound, length: span.count)!)), promise: nil)
                sent = span.count
            }
        }
        needsFlush = true
        deadlines.requestAnsweredBefore()
        slot?.count(bytes: sent, edgeCacheHit: entry.isEdgeCacheHit)
        if let accessLog, let started {
            AccessLogMiddleware.log(accessLog, method: head.isHEAD ? .head : .get, target: entry.target, status: status, elapsed: .now() - started)
        }
    }

    /// Bodies up to this size are copied after their head instead of written on their own.
    static let inlineBodyLimit = 4096

    /// `Date: …` and the empty line that ends a head, made again once a second.
    private struct DateLine {
        private var second = -1
        private var line = ByteBuffer()

        mutating func current() -> ByteBuffer {
            let now = time(nil)
            if now != second {
                second = now
                line = ByteBuffer(string: "Date: \(HTTPDate.format(Double(now)))\r\n\r\n")
            }
            return line
        }
    }

    /// Sits after the HTTP codec and tells its `HotPathHandler` when a handed-on request's
    /// response ended; it puts the `HotPathHandler` in front of the decoder when it is added.
    final class ResponseWatcher: ChannelOutboundHandler, RemovableChannelHandler {
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart
        private let hot: HotPathHandler

        init(cache: HotCache, counters: HotCounters, deadlines: ConnectionDeadlinesHandler, accessLog: Logger?, lookups: CDNHotLookup?) {
            hot = HotPathHandler(cache: cache, counters: counters, deadlines: deadlines, accessLog: accessLog, lookups: lookups)
        }

        func handlerAdded(context: ChannelHandlerContext) {
            try? context.pipeline.syncOperations.addHandler(hot, position: .first)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) { hot.responseEnded() }
            context.write(data, promise: promise)
        }
    }
}

/// What `HotPathHandler` reads of a request head: where it ends, its method and target, and the
/// header fields that decide a file's answer. Anything else is left to NIO's decoder.
public struct RequestHead: Sendable {
    /// Bytes of the head, the empty line included.
    public let length: Int
    public let isHEAD: Bool
    /// GET or HEAD, HTTP/1.1, no field that asks for more than a file (see `parse`).
    public var isHotCandidate: Bool
    private let targetRange: Range<Int>
    /// Offsets of `If-None-Match`, `If-Modified-Since`, `Range` and `If-Range` field lines.
    private(set) var conditions: [(name: HTTPField.Name, value: Range<Int>)] = []

    public enum Parsed: Sendable {
        case head(RequestHead)
        /// No empty line yet.
        case incomplete
        /// Not for this reader: from here on the decoder reads everything.
        case unusual
    }

    public func target(in bytes: ByteBuffer) -> ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex + targetRange.lowerBound, length: targetRange.count)!
    }

    public func conditionFields(in bytes: ByteBuffer) -> HTTPFields {
        var fields = HTTPFields()
        for (name, range) in conditions {
            fields.append(HTTPField(name: name, value: bytes.getString(at: bytes.readerIndex + range.lowerBound, length: range.count) ?? ""))
        }
        return fields
    }

    public static func parse(_ buffer: ByteBuffer) -> Parsed {
        buffer.withUnsafeReadableBytes { raw -> Parsed in
            let bytes = raw.bindMemory(to: UInt8.self)
            let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            // The end of the head; every LF must follow a CR.
            var end = -1
            var i = 0
            while i < bytes.count {
                if bytes[i] == lf {
                    guard i > 0, bytes[i - 1] == cr else { return .unusual }
                    if i >= 3, bytes[i - 2] == lf { end = i + 1; break }
                }
                i += 1
            }
            guard end > 0 else { return .incomplete }

            // Request line: METHOD SP target SP HTTP/1.1 CRLF
            guard let space = firstIndex(of: UInt8(ascii: " "), in: bytes, from: 0, to: end), space > 0,
                  let space2 = firstIndex(of: UInt8(ascii: " "), in: bytes, from: space + 1, to: end), space2 > space + 1,
                  let lineEnd = firstIndex(of: cr, in: bytes, from: space2, to: end)
            else { return .unusual }
            let isGET = space == 3 && bytes[0] == UInt8(ascii: "G") && bytes[1] == UInt8(ascii: "E") && bytes[2] == UInt8(ascii: "T")
            let isHEAD = space == 4 && bytes[0] == UInt8(ascii: "H") && bytes[1] == UInt8(ascii: "E") && bytes[2] == UInt8(ascii: "A") && bytes[3] == UInt8(ascii: "D")
            let isHTTP11 = lineEnd - space2 - 1 == 8 && equals(bytes, at: space2 + 1, "HTTP/1.1")
            var head = RequestHead(length: end, isHEAD: isHEAD, isHotCandidate: (isGET || isHEAD) && isHTTP11 && bytes[space + 1] == UInt8(ascii: "/"), targetRange: (space + 1)..<space2)

            // Header fields, up to the empty line.
            var line = lineEnd + 2
            while line < end - 2 {
                guard let crlf = firstIndex(of: cr, in: bytes, from: line, to: end),
                      let colon = firstIndex(of: UInt8(ascii: ":"), in: bytes, from: line, to: crlf), colon > line,
                      bytes[line] != UInt8(ascii: " "), bytes[line] != UInt8(ascii: "\t"),
                      bytes[colon - 1] != UInt8(ascii: " "), bytes[colon - 1] != UInt8(ascii: "\t")
                else { return .unusual }
                var start = colon + 1, stop = crlf
                while start < stop, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
                while stop > start, bytes[stop - 1] == UInt8(ascii: " ") || bytes[stop - 1] == UInt8(ascii: "\t") { stop -= 1 }
                switch Field.classify(bytes, from: line, to: colon) {
                case .framing: return .unusual
                case .routedOnly: head.isHotCandidate = false
                case .condition(let name): head.conditions.append((name, start..<stop))
                case .other: break
                }
                line = crlf + 2
            }
            return .head(head)
        }
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var i = from
        while i < to {
            if bytes[i] == byte { return i }
            i += 1
        }
        return nil
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, _ text: StaticString) -> Bool {
        guard offset + text.utf8CodeUnitCount <= bytes.count else { return false }
        for i in 0..<text.utf8CodeUnitCount where bytes[offset + i] != text.utf8Start[i] { return false }
        return true
    }

    /// The header fields this reader looks at.
    private enum Field {
        /// The request has (or may have) a body, or changes protocol: not for this reader at all.
        case framing
        /// The request may be hot but wants what only the routed path does (`Expect`, `Connection`).
        case routedOnly
        case condition(HTTPField.Name)
        case other

        static func classify(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Field {
            let count = to - from
            func named(_ name: StaticString) -> Bool {
                for i in 0..<count where bytes[from + i] | 0x20 != name.utf8Start[i] { return false }
                return true
            }
            // Cheap first cut on length and first letter (lowercased).
            switch (count, bytes[from] | 0x20) {
            case (14, UInt8(ascii: "c")) where named("content-length"), (17, UInt8(ascii: "t")) where named("transfer-encoding"),
                 (7, UInt8(ascii: "u")) where named("upgrade"):
                return .framing
            case (6, UInt8(ascii: "e")) where named("expect"), (10, UInt8(ascii: "c")) where named("connection"):
                return .routedOnly
            case (13, UInt8(ascii: "i")) where named("if-none-match"): return .condition(.ifNoneMatch)
            case (17, UInt8(ascii: "i")) where named("if-modified-since"): return .condition(.ifModifiedSince)
            case (5, UInt8(ascii: "r")) where named("range"): return .condition(.range)
            case (8, UInt8(ascii: "i")) where named("if-range"): return .condition(.ifRange)
            default: return .other
            }
        }
    }
}
