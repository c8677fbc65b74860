import NIOCore
import NIOEmbedded
import NIOHTTP1

/// An origin's bytes fed to an `UpstreamConnection` in an embedded channel, as they might arrive,
/// then the connection closed: for the fuzz target, which checks that every answer ends (as a
/// response whose body ended or failed, or as a failure) and that no byte is invented.
public enum UpstreamResponseReplay {
    public enum Outcome: Sendable, Equatable {
        /// The head came; `bodyBytes` of body, then its end (`ended`) or a failure.
        case response(status: Int, bodyBytes: Int, ended: Bool)
        case failed
        /// Nothing was fulfilled even though the connection closed: a hang in a real server.
        case pending
    }

    public static func replay(_ pieces: [[UInt8]], isHEAD: Bool = false) -> Outcome {
        let channel = EmbeddedChannel()
        let connection = UpstreamConnection(key: .init(scheme: "http", host: "origin", port: 80), readTimeout: .seconds(30))
        do {
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
            try channel.pipeline.syncOperations.addHandler(connection)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        } catch {
            return .failed
        }
        let promise = channel.eventLoop.makePromise(of: UpstreamResponse.self)
        connection.send(HTTPRequestHead(version: .http1_1, method: isHEAD ? .HEAD : .GET, uri: "/x"), promise: promise)
        for piece in pieces where channel.isActive {
            _ = try? channel.writeInbound(ByteBuffer(bytes: piece))
            channel.pipeline.fireChannelReadComplete()
        }
        _ = try? channel.close().wait()
        var outcome = Outcome.pending
        promise.futureResult.whenComplete { result in
            switch result {
            case .failure: outcome = .failed
            case .success(let response):
                // Everything has arrived: the body ended (whole) or failed, a reader never waits.
                let whole = response.body.takeWhole(upTo: .max)
                outcome = .response(status: Int(response.status.code), bodyBytes: whole?.readableBytes ?? 0, ended: whole != nil)
            }
        }
        _ = try? channel.finish()
        // Timers an embedded loop never ran (cancelled read timeouts) go with it.
        try? channel.embeddedEventLoop.syncShutdownGracefully()
        return outcome
    }
}
