import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Synchronization

/// A local origin standing in for a CDN: fixed routes, per-path request counters and switches to
/// make it fail, so tests can see exactly what Wharf asked upstream.
public final class TestOrigin: Sendable {
    public typealias Handler = @Sendable (Request, _ attempt: Int) async throws -> Response

    private let routes: [String: Handler]
    private let counters = Mutex<[String: Int]>([:])
    private let failure = Mutex<HTTPResponse.Status?>(nil)
    private let lastHeaders = Mutex<[String: HTTPFields]>([:])

    public init(routes: [String: Handler]) {
        self.routes = routes
    }

    /// How many requests reached `path`.
    public func count(_ path: String) -> Int { counters.withLock { $0[path, default: 0] } }

    /// The headers of the last request for `path`.
    public func headers(_ path: String) -> HTTPFields? { lastHeaders.withLock { $0[path] } }

    /// While set, every route answers this status.
    public func fail(with status: HTTPResponse.Status?) { failure.withLock { $0 = status } }

    /// Serves on 127.0.0.1, port 0; over TLS with `tls`'s certificate when given (a CDN's https origin).
    public func start(tls: TestCertificate? = nil) async throws -> RunningServer {
        let router = Router()
        router.on("**", method: .get) { request, _ in try await self.answer(request) }
        router.on("**", method: .head) { request, _ in try await self.answer(request) }
        let responder = router.buildResponder()
        let server: HTTPServerBuilder = try tls.map { certificate in try .tls(.http1(), tlsConfiguration: try certificate.serverConfiguration()) } ?? .http1()
        return try await RunningServer.start { ready in
            var logger = Logger(label: "test-origin")
            logger.logLevel = .critical
            let app = Application(
                responder: responder,
                server: server,
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { await ready($0.localAddress?.port ?? 0) },
                logger: logger
            )
            try await app.runService(gracefulShutdownSignals: [])
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        let path = request.uri.path
        let attempt = counters.withLock { counts in
            counts[path, default: 0] += 1
            return counts[path]!
        }
        lastHeaders.withLock { $0[path] = request.headers }
        if let status = failure.withLock({ $0 }) {
            return Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(string: "origin failing")))
        }
        guard let handler = routes[path] else {
            return Response(status: .notFound, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: "Not found")))
        }
        return try await handler(request, attempt)
    }
}

extension TestOrigin {
    /// A 200 with `body`, a content type and cache headers, like a CDN's answer for a file.
    public static func file(
        _ body: [UInt8], contentType: String = "application/javascript; charset=utf-8",
        cacheControl: String = "public, max-age=31536000, immutable", etag: String? = nil
    ) -> Handler {
        { request, _ in
            var headers: HTTPFields = [.contentType: contentType, .cacheControl: cacheControl]
            if let etag {
                headers[.eTag] = etag
                if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
            }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// A redirect to `location`, as unpkg and jsdelivr answer unversioned URLs.
    public static func redirect(_ location: String, status: HTTPResponse.Status = .found) -> Handler {
        { _, _ in Response(status: status, headers: [.location: location, .cacheControl: "public, max-age=60"]) }
    }

    /// `size` bytes of a repeating pattern, written in `chunk`-sized pieces with `delay` between them.
    public static func stream(size: Int, chunk: Int = 64 << 10, delay: Duration = .zero) -> Handler {
        { _, _ in
            Response(status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "public, max-age=31536000, immutable"],
                     body: ResponseBody(contentLength: size) { writer in
                var sent = 0
                while sent < size {
                    let count = min(chunk, size - sent)
                    try await writer.write(ByteBuffer(bytes: TestOrigin.pattern(offset: sent, count: count)))
                    sent += count
                    if delay > .zero { try await Task.sleep(for: delay) }
                }
                try await writer.finish(nil)
            })
        }
    }

    /// The bytes `stream` sends: a 251-byte cycle, so offsets are checkable.
    public static func pattern(offset: Int, count: Int) -> [UInt8] {
        (offset..<offset + count).map { UInt8(truncatingIfNeeded: $0 % 251) }
    }
}
