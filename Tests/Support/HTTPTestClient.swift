import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What a test reads of a response.
public struct TestResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
    public func header(_ name: String) -> String? { headers.first(name: name) }
    public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
}

/// An HTTP client that never follows redirects, so tests see Wharf's own answers.
public final class HTTPTestClient: Sendable {
    public let client: HTTPClient

    public init() {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(60), read: .seconds(120)))
        configuration.decompression = .disabled
        // Enough connections that 100 concurrent test requests really are concurrent.
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 128)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async { try? await client.shutdown() }

    /// A test that failed before `shutdown()` must not crash the whole run (AHC traps on leaks).
    deinit { try? client.syncShutdown() }

    public func request(_ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> TestResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(120))
        var bytes: [UInt8] = []
        for try await buffer in response.body { bytes += buffer.readableBytesView }
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: bytes)
    }

    public func get(_ url: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await request(url, headers: headers)
    }
}

/// A plain TCP connection to 127.0.0.1, for requests no HTTP client would send as written.
public final class RawConnection {
    private let fd: Int32

    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawRequestError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw RawRequestError("connect failed") }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// What one read returns (empty after 30 s of silence or at the end).
    public func receiveSome() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? Array(buffer[..<n]) : []
    }

    deinit { close(fd) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RawRequestError("send failed") }
            offset += n
        }
    }

    /// True when the server closes the connection (end of stream or reset) before anything else
    /// arrives; false when it sends bytes or stays silent for 30 s.
    public func waitForClose() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 1)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n == 0 || (n < 0 && errno == ECONNRESET)
    }

    /// Everything the server sends until it closes the connection.
    public func receiveAll() -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received += buffer[..<n]
        }
        return received
    }
}

/// Sends one request line exactly as written (no client-side normalisation) and returns the status.
public func rawRequestStatus(port: Int, target: String, method: String = "GET") throws -> Int {
    let connection = try RawConnection(port: port)
    try connection.send(Array("\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
    let head = String(decoding: connection.receiveAll().prefix(64), as: UTF8.self)
    let parts = head.split(separator: " ", maxSplits: 2)
    guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
        throw RawRequestError("no HTTP response to \(target): \(head.debugDescription)")
    }
    return status
}

public struct RawRequestError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
