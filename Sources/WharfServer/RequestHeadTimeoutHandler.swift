import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request head does not arrive within `timeout`: counted from the
/// connection's start, and from the first byte of each later request, so a client that sends its
/// head a byte at a time (slowloris) or never sends one cannot hold a connection. Keep-alive
/// connections waiting for their next request are Hummingbird's idle timeout's.
final class RequestHeadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    /// Between the end of a response and the next request's head.
    private var awaitingHead = true

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Raw bytes are seen before the HTTP decoder, to start the clock at a request's first byte.
        try? context.pipeline.syncOperations.addHandler(ByteWatcher(owner: self), position: .first)
        if context.channel.isActive { arm() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if timer == nil { arm() }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            awaitingHead = false
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { awaitingHead = true }
        context.write(data, promise: promise)
    }

    fileprivate func bytesArrived() {
        if awaitingHead && timer == nil { arm() }
    }

    private func arm() {
        guard let context else { return }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            bound.value.close(promise: nil)
        }
    }

    /// Tells its owner when bytes arrive, and passes them on unchanged.
    private final class ByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let owner: RequestHeadTimeoutHandler

        init(owner: RequestHeadTimeoutHandler) {
            self.owner = owner
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            owner.bytesArrived()
            context.fireChannelRead(data)
        }
    }
}
