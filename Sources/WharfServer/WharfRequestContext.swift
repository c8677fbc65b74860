import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core context plus the connection, so the
/// routes that limit failed logins can tell clients apart (see `ClientAddress`).
struct WharfRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Read only when asked for: most requests never need it.
    private let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The connection, to find what `HotPathHandler` looked up for its request (`CDNHotLookup`).
    var connection: ObjectIdentifier { ObjectIdentifier(channel) }

    /// The peer of the connection (a proxy's address when Wharf is behind one).
    var peerAddress: SocketAddress? { channel.remoteAddress }

    /// Runs `body` when the client goes away (at once if it has): long work stops for nobody.
    func onClientGone(_ body: @escaping @Sendable () -> Void) {
        let channel = channel
        channel.eventLoop.execute {
            if let watcher = try? channel.pipeline.syncOperations.handler(type: ClientGoneHandler.self) {
                watcher.register(body)
            } else {
                channel.closeFuture.whenComplete { _ in body() }
            }
        }
    }
}
