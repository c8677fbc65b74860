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

    /// The peer of the connection (a proxy's address when Wharf is behind one).
    var peerAddress: SocketAddress? { channel.remoteAddress }
}
