import NIOCore
import NIOHTTPTypes

/// Tells long-running routes that their client went away: the connection closed, or the client
/// closed its side (Hummingbird keeps half-closed connections open, so the close alone comes late).
final class ClientGoneHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private var callbacks: [@Sendable () -> Void] = []
    private var gone = false

    /// On the channel's event loop: `body` runs once the client is gone (at once if it is).
    func register(_ body: @escaping @Sendable () -> Void) {
        if gone { body() } else { callbacks.append(body) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { clientWent() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clientWent()
        context.fireChannelInactive()
    }

    private func clientWent() {
        gone = true
        let pending = callbacks
        callbacks.removeAll()
        for callback in pending { callback() }
    }
}
