import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// What Wharf asks an origin: a method and a target on that origin, with its own header fields.
struct UpstreamRequest: Sendable {
    var method: HTTPMethod = .GET
    let origin: Origin
    /// The path (and query) on the origin, percent-encoded, its base path included.
    let target: String
    var headers = HTTPHeaders()

    /// The absolute URL, for messages and for resolving a redirect's `Location`.
    var url: String { "\(origin.scheme)://\(origin.authority)\(target)" }
}

/// An origin's answer: its status and fields now, its body as it arrives.
struct UpstreamResponse: Sendable {
    let status: HTTPResponseStatus
    let headers: HTTPHeaders
    let body: UpstreamBody
}

/// Why an upstream request failed; its text goes into the edge cache's error messages.
enum UpstreamClientError: Error, Sendable, CustomStringConvertible {
    case connect(String)
    case connectTimeout
    case readTimeout
    case connectionClosed
    case transport(String)
    case tls(String)
    case unexpected
    case bodyTooLarge(Int)
    case cancelled
    case shutDown

    var description: String {
        switch self {
        case .connect(let why): "could not connect: \(why)"
        case .connectTimeout: "connect timed out"
        case .readTimeout: "read timed out"
        case .connectionClosed: "the connection closed before the answer ended"
        case .transport(let why): "the connection failed: \(why)"
        case .tls(let why): "TLS failed: \(why)"
        case .unexpected: "the origin sent something out of turn"
        case .bodyTooLarge(let limit): "the body is over \(limit) bytes"
        case .cancelled: "cancelled"
        case .shutDown: "the client is shut down"
        }
    }
}

/// The edge cache's HTTP/1.1 client: connections kept alive per event loop and origin, TLS by
/// NIOSSL with the system's trust roots. It does only what a cache fetch needs (no redirects
/// followed, no decompression, no proxies), so a miss pays for little more than its syscalls.
final class UpstreamClient: Sendable {
    struct Configuration: Sendable {
        var connectTimeout: TimeAmount
        var readTimeout: TimeAmount
        /// How long a kept-alive connection may wait for its next request.
        var idleTimeout: TimeAmount = .seconds(60)
        /// Idle connections kept per origin and event loop.
        var maxIdlePerOrigin = 32
        /// How https origins are verified: the system's trust roots unless told otherwise (tests).
        var tls = TLSConfiguration.makeClientConfiguration()
    }

    struct PoolKey: Hashable, Sendable {
        let scheme: String
        let host: String
        let port: Int
    }

    let configuration: Configuration
    private let group: MultiThreadedEventLoopGroup
    private let pools: [ObjectIdentifier: NIOLoopBoundBox<Pool>]
    private let tls: Result<NIOSSLContext, UpstreamClientError>
    private let isShutDown = Atomic<Bool>(false)

    init(configuration: Configuration, group: MultiThreadedEventLoopGroup = .singleton) {
        self.configuration = configuration
        self.group = group
        var pools: [ObjectIdentifier: NIOLoopBoundBox<Pool>] = [:]
        for loop in group.makeIterator() { pools[ObjectIdentifier(loop)] = .makeBoxSendingValue(Pool(), eventLoop: loop) }
        self.pools = pools
        do {
            tls = .success(try NIOSSLContext(configuration: configuration.tls))
        } catch {
            tls = .failure(.tls("\(error)"))
        }
    }

    /// Sends `request` on a kept-alive connection of `loop` (by default the caller's event loop
    /// when it runs on one, else the next) and returns once the status line and fields arrived.
    /// Cancelling the task closes the connection.
    func execute(_ request: UpstreamRequest, on loop: (any EventLoop)? = nil) async throws(UpstreamClientError) -> UpstreamResponse {
        let (response, cancel) = execute(request, on: loop ?? group.any())
        do {
            return try await withTaskCancellationHandler {
                try await response.get()
            } onCancel: {
                cancel()
            }
        } catch let error as UpstreamClientError {
            throw error
        } catch {
            throw .transport("\(error)")
        }
    }

    /// The same for callers that do not wait in a task: the response is fulfilled on `loop`
    /// (with the whole body already in it when it came with the head); `cancel` closes the
    /// connection and fails what is still to come.
    func execute(_ request: UpstreamRequest, on loop: any EventLoop) -> (response: EventLoopFuture<UpstreamResponse>, cancel: @Sendable () -> Void) {
        let promise = loop.makePromise(of: UpstreamResponse.self)
        let handle = ConnectionHandle()
        if loop.inEventLoop {
            start(request, on: loop, handle: handle, promise: promise)
        } else {
            loop.execute { self.start(request, on: loop, handle: handle, promise: promise) }
        }
        return (promise.futureResult, {
            loop.execute {
                handle.cancelled = true
                handle.connection?.close()
                promise.fail(UpstreamClientError.cancelled)
            }
        })
    }

    /// The event loop a request should run on: the caller's when it runs on one.
    func nextLoop() -> any EventLoop { group.any() }

    /// Closes every idle connection; requests after this fail.
    func shutdown() async {
        isShutDown.store(true, ordering: .relaxed)
        for pool in pools.values {
            try? await pool.eventLoop.submit { pool.value.closeAll() }.get()
        }
    }

    // MARK: on the event loop

    /// The connection a request runs on, for cancelling it.
    private final class ConnectionHandle: @unchecked Sendable {
        /// Only touched on the request's event loop.
        var connection: UpstreamConnection?
        var cancelled = false
    }

    private func start(_ request: UpstreamRequest, on loop: any EventLoop, handle: ConnectionHandle, promise: EventLoopPromise<UpstreamResponse>) {
        // Once the head is out, the connection is the body's (or the pool's): cancelling no longer touches it.
        promise.futureResult.assumeIsolated().whenComplete { _ in handle.connection = nil }
        guard !isShutDown.load(ordering: .relaxed), let pool = pools[ObjectIdentifier(loop)]?.value else {
            return promise.fail(UpstreamClientError.shutDown)
        }
        let origin = request.origin
        let key = PoolKey(scheme: origin.scheme, host: origin.host, port: origin.port ?? (origin.scheme == "https" ? 443 : 80))
        var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.target, headers: request.headers)
        head.headers.replaceOrAdd(name: "Host", value: origin.authority)
        if let connection = pool.take(key) {
            handle.connection = connection
            // A kept-alive connection the origin closed in the meantime fails before its answer
            // began: the request (a GET or HEAD, safe to repeat) goes once more, on a new connection.
            let reused = loop.makePromise(of: UpstreamResponse.self)
            reused.futureResult.assumeIsolated().whenComplete { result in
                switch result {
                case .success(let response): promise.succeed(response)
                case .failure(UpstreamClientError.connectionClosed), .failure(UpstreamClientError.transport):
                    guard !handle.cancelled else { return promise.fail(UpstreamClientError.cancelled) }
                    self.open(key, head, on: loop, pool: pool, handle: handle, promise: promise)
                case .failure(let error): promise.fail(error)
                }
            }
            return connection.send(head, promise: reused)
        }
        open(key, head, on: loop, pool: pool, handle: handle, promise: promise)
    }

    /// Sends `head` on a new connection, which joins `pool` when its answer ends.
    private func open(
        _ key: PoolKey, _ head: HTTPRequestHead, on loop: any EventLoop, pool: Pool, handle: ConnectionHandle, promise: EventLoopPromise<UpstreamResponse>
    ) {
        connect(key, on: loop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let bound):
                let connection = bound.value
                guard !handle.cancelled else { return connection.close() }
                handle.connection = connection
                connection.onReusable = { [weak pool] connection in pool?.keep(connection, configuration: self.configuration) }
                connection.send(head, promise: promise)
            case .failure(let error):
                promise.fail(error as? UpstreamClientError ?? UpstreamClientError.connect("\(error)"))
            }
        }
    }

    private func connect(_ key: PoolKey, on loop: any EventLoop) -> EventLoopFuture<NIOLoopBound<UpstreamConnection>> {
        let connection = NIOLoopBound(UpstreamConnection(key: key, readTimeout: configuration.readTimeout), eventLoop: loop)
        let tls: NIOSSLContext?
        if key.scheme == "https" {
            switch self.tls {
            case .success(let context): tls = context
            case .failure(let error): return loop.makeFailedFuture(error)
            }
        } else {
            tls = nil
        }
        return ClientBootstrap(group: loop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.autoRead, value: false)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let isAddress = (try? SocketAddress(ipAddress: key.host, port: 0)) != nil
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : key.host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(connection.value)
                }
            }
            .connect(host: key.host, port: key.port)
            .map { _ in connection }
            .flatMapErrorThrowing { error in
                if case ChannelError.connectTimeout = error { throw UpstreamClientError.connectTimeout }
                throw UpstreamClientError.connect("\(error)")
            }
    }

    /// The idle connections of one event loop; only touched on it.
    private final class Pool {
        private var idle: [PoolKey: [(connection: UpstreamConnection, expiry: Scheduled<Void>)]] = [:]

        func take(_ key: PoolKey) -> UpstreamConnection? {
            while var list = idle[key], let last = list.popLast() {
                idle[key] = list.isEmpty ? nil : list
                last.expiry.cancel()
                if last.connection.isOpen { return last.connection }
            }
            return nil
        }

        func keep(_ connection: UpstreamConnection, configuration: Configuration) {
            guard let loop = connection.eventLoop, idle[connection.key, default: []].count < configuration.maxIdlePerOrigin else {
                return connection.close()
            }
            let expiry = loop.assumeIsolated().scheduleTask(in: configuration.idleTimeout) { [weak self, weak connection] in
                guard let self, let connection else { return }
                idle[connection.key]?.removeAll { $0.connection === connection }
                connection.close()
            }
            idle[connection.key, default: []].append((connection, expiry))
        }

        func closeAll() {
            for list in idle.values {
                for entry in list {
                    entry.expiry.cancel()
                    entry.connection.close()
                }
            }
            idle = [:]
        }
    }
}
