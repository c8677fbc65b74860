import NIOCore
import NIOHTTP1

/// One kept-alive HTTP/1.1 connection to an origin, one request at a time, on its event loop.
/// It reads from the socket only when a request needs bytes (`autoRead` is off): for the status
/// line, and for the body while its reader keeps up (see `UpstreamBody`). `readTimeout` bounds
/// every wait for the origin's bytes.
final class UpstreamConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private enum State {
        case idle
        case waitingHead(EventLoopPromise<UpstreamResponse>)
        /// The head arrived; its promise is kept until the end of the read it came in, so a body
        /// that came along with it is there whole (`UpstreamBody.takeWhole`) when it is fulfilled.
        case body(UpstreamBody.Storage, keepAlive: Bool, head: (EventLoopPromise<UpstreamResponse>, UpstreamResponse)?)
        case closed
    }

    let key: UpstreamClient.PoolKey
    private let readTimeout: TimeAmount
    private var state = State.idle
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    /// Reading is paused until the body's reader asks for more.
    private var paused = false
    /// Called when a response ended and the connection can take another request.
    var onReusable: ((UpstreamConnection) -> Void)?

    init(key: UpstreamClient.PoolKey, readTimeout: TimeAmount) {
        self.key = key
        self.readTimeout = readTimeout
    }

    var eventLoop: (any EventLoop)? { context?.eventLoop }

    var isOpen: Bool {
        if case .closed = state { return false }
        return context?.channel.isActive ?? false
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// The context holds this handler: letting go of it here ends the cycle when the channel closes.
    func handlerRemoved(context: ChannelHandlerContext) {
        fail(.connectionClosed)
        self.context = nil
        onReusable = nil
    }

    /// Sends `head` (and an empty body) and fulfils `promise` with the response head.
    func send(_ head: HTTPRequestHead, promise: EventLoopPromise<UpstreamResponse>) {
        guard case .idle = state, let context, context.channel.isActive else {
            return promise.fail(UpstreamClientError.connectionClosed)
        }
        state = .waitingHead(promise)
        paused = false
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        readMore()
    }

    /// Closes the connection, failing whatever waits on it (a reader that gave up).
    func close() {
        fail(.cancelled)
    }

    /// The reader of `storage` gave up: close, unless that body already ended (the connection may
    /// be serving another request by now).
    private func abandon(_ storage: UpstreamBody.Storage) {
        guard case .body(let current, _, _) = state, current === storage else { return }
        fail(.cancelled)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        timer?.cancel()
        timer = nil
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .waitingHead(let promise)):
            // An interim answer (100 Continue, 103 Early Hints): the real one follows.
            if head.status.code < 200 { return }
            let loop = context.eventLoop
            let this = NIOLoopBound(self, eventLoop: loop)
            let storage = UpstreamBody.Storage(
                resume: { loop.execute { this.value.resumeReading() } },
                abandon: { storage in loop.execute { this.value.abandon(storage) } }
            )
            let response = UpstreamResponse(status: head.status, headers: head.headers, body: UpstreamBody(storage: storage))
            state = .body(storage, keepAlive: head.isKeepAlive, head: (promise, response))
        case (.body(let part), .body(let storage, _, _)):
            paused = !storage.yield(part)
        case (.end, .body(let storage, let keepAlive, let head)):
            storage.finish()
            if keepAlive {
                state = .idle
                onReusable?(self)
            } else {
                state = .closed
                context.close(promise: nil)
            }
            head?.0.succeed(head!.1)
        case (.end, .waitingHead):
            break  // the end of an interim answer
        default:
            fail(.unexpected)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .body(let storage, let keepAlive, let head?) = state {
            state = .body(storage, keepAlive: keepAlive, head: nil)
            head.0.succeed(head.1)
        }
        switch state {
        case .waitingHead: readMore()
        case .body where !paused: readMore()
        default: break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.transport("\(error)"))
    }

    private func resumeReading() {
        guard paused, case .body = state else { return }
        paused = false
        readMore()
    }

    /// One more read from the socket, bounded by `readTimeout`.
    private func readMore() {
        guard let context else { return }
        if timer == nil {
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: readTimeout) { [weak self] in
                self?.timer = nil
                self?.fail(.readTimeout)
            }
        }
        context.read()
    }

    private func fail(_ error: UpstreamClientError) {
        timer?.cancel()
        timer = nil
        let previous = state
        state = .closed
        switch previous {
        case .waitingHead(let promise): promise.fail(error)
        case .body(let storage, _, let head):
            storage.finish(error)
            head?.0.fail(error)
        case .idle, .closed: break
        }
        if case .closed = previous { return }
        context?.close(promise: nil)
    }
}
