import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// A client connection's deadlines. `headerTimeout`: a request's head must be complete that long
/// after the connection opened or the request's first byte came (a silent socket, or a head sent a
/// byte at a time, cannot hold a connection). `idleTimeout`: a connection with no request activity
/// that long is closed. One timer per connection, re-armed only when it fires: a request costs a
/// clock read, not a timer.
final class ConnectionDeadlinesHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    /// When the head being waited for began (the connection's start, or its first byte); nil while
    /// no head is awaited or no byte of it has come.
    private var headStarted: NIODeadline?
    private var awaitingHead = true
    /// Requests whose response has not ended, and whether one is still being read.
    private var inFlight = 0
    private var readingRequest = false
    private var lastActivity = NIODeadline.now()
    /// Whether `HotPathHandler`, first in the pipeline, reports the bytes (then no `ByteWatcher`).
    private let bytesReportedByHotPath: Bool

    init(headerTimeout: TimeAmount, idleTimeout: TimeAmount, bytesReportedByHotPath: Bool = false) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.bytesReportedByHotPath = bytesReportedByHotPath
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Raw bytes are seen before the HTTP decoder, to start the head's clock at its first byte.
        if !bytesReportedByHotPath { try? context.pipeline.syncOperations.addHandler(ByteWatcher(owner: self), position: .first) }
        if context.channel.isActive { start() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if timer == nil { start() }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            awaitingHead = false
            headStarted = nil
            readingRequest = true
            inFlight += 1
        case .body: break
        case .end: readingRequest = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            // An answer to a request this handler never saw (a decoding error's 400) counts too.
            inFlight = max(0, inFlight - 1)
            if inFlight == 0 {
                awaitingHead = true
                lastActivity = .now()
            }
        }
        context.write(data, promise: promise)
    }

    /// A request this handler never saw was answered in front of it (the hot path): the
    /// connection waits for its next head again, as after any answer.
    func requestAnsweredBefore() {
        guard inFlight == 0 else { return }
        awaitingHead = true
        headStarted = nil
        lastActivity = .now()
    }

    /// The hot path took a request in front of this handler and looks it up: it is in flight.
    func requestTaken() {
        inFlight += 1
        awaitingHead = false
        headStarted = nil
    }

    /// The taken request was answered, or handed on (then the decoder brings its head here anew).
    func takenRequestEnded(answered: Bool) {
        inFlight = max(0, inFlight - 1)
        if answered { requestAnsweredBefore() }
    }

    /// Bytes came from the client (told by `ByteWatcher`, or by `HotPathHandler` in front of it all).
    func bytesArrived() {
        let now = NIODeadline.now()
        lastActivity = now
        if awaitingHead && headStarted == nil { headStarted = now }
    }

    private func start() {
        headStarted = .now()
        lastActivity = .now()
        schedule(at: .now() + min(headerTimeout, idleTimeout))
    }

    private func schedule(at deadline: NIODeadline) {
        guard let context else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) { bound.value.check() }
    }

    /// Closes the connection past a deadline, else sleeps until the next one can fall due.
    private func check() {
        guard let context else { return }
        let now = NIODeadline.now()
        var next = now + idleTimeout
        if awaitingHead, let started = headStarted {
            if now - started >= headerTimeout { return close(context) }
            next = min(next, started + headerTimeout)
        }
        // Idle: nothing in flight, or a request whose body has stopped coming.
        if inFlight == 0 || readingRequest {
            if now - lastActivity >= idleTimeout { return close(context) }
            next = min(next, lastActivity + idleTimeout)
        }
        if awaitingHead && headStarted == nil { next = min(next, now + headerTimeout) }
        schedule(at: max(next, now + .milliseconds(10)))
    }

    private func close(_ context: ChannelHandlerContext) {
        timer = nil
        context.close(promise: nil)
    }

    /// Tells its owner when bytes arrive, and passes them on unchanged.
    private final class ByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let owner: ConnectionDeadlinesHandler

        init(owner: ConnectionDeadlinesHandler) {
            self.owner = owner
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            owner.bytesArrived()
            context.fireChannelRead(data)
        }
    }
}
