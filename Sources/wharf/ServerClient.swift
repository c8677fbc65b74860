import ArgumentParser
import AsyncHTTPClient
import Foundation
import JSON
import NIOCore

/// A JSON request to a running Wharf, for the commands that can ask one (`--server URL`).
enum ServerClient {
    /// POSTs `body` to `server` + `path`; the answer's status and JSON. Unreachable servers and
    /// answers that are not JSON are `ValidationError`s naming the server.
    static func post(_ body: JSONValue, to path: String, server: String) async throws -> (status: UInt, answer: JSONValue) {
        var request = HTTPClientRequest(url: server.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body.serialized()))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let response: HTTPClientResponse, bytes: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(3600))
            bytes = try await response.body.collect(upTo: 256 << 20)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw ValidationError("cannot reach \(server): \(error)")
        }
        do {
            return (response.status.code, try JSONValue.parse(Array(bytes.readableBytesView)))
        } catch {
            throw ValidationError("\(server) answered \(response.status.code) with no JSON: \(String(buffer: bytes).prefix(200))")
        }
    }
}
