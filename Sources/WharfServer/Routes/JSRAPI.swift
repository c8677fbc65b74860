import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Registry

/// How the JSR route areas read jsr.io-shaped requests and write its answers: JSON bodies of at
/// most 64 KiB, "one of" bodies, paging, path coordinates, and `no-store` JSON replies.
enum JSRAPI {
    /// JSON request bodies are small; anything larger is a mistake.
    static let maxJSONBody = 64 * 1024

    static func json(_ value: some Encodable) throws(JSRError) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            return JSONResponse.make(try encoder.encode(value), cacheControl: "no-store")
        } catch {
            throw JSRError(.internalServerError, "could not encode the response: \(error)")
        }
    }

    static func noContent() -> Response {
        Response(status: .noContent, headers: [.cacheControl: "no-store", .accessControlAllowOrigin: "*"])
    }

    static func coordinates(_ context: WharfRequestContext) throws(JSRError) -> (String, String, String) {
        (try context.parameters.require("scope"), try context.parameters.require("package"), try context.parameters.require("version"))
    }

    /// The request's JSON object.
    static func body(_ request: Request) async throws(JSRError) -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxJSONBody)
        } catch {
            throw JSRError(.malformedRequest, "the request body is larger than \(maxJSONBody) bytes")
        }
        guard let object = try? JSONValue.parse(Array(buffer.readableBytesView)), case .object = object else {
            throw JSRError(.malformedRequest, "the request body must be a JSON object")
        }
        return object
    }

    /// jsr.io's "one of" bodies: exactly one of the known keys.
    static func oneOf(_ body: JSONValue, _ keys: [String]) throws(JSRError) -> (String, JSONValue) {
        guard let members = body.objectMembers, members.count == 1, let (key, value) = members.first, keys.contains(key) else {
            throw JSRError(.malformedRequest, "the body must have exactly one of \(keys.joined(separator: ", "))")
        }
        return (key, value)
    }

    static func string(_ value: JSONValue?, _ key: String) throws(JSRError) -> String {
        guard case .string(let text)? = value else { throw JSRError(.malformedRequest, "'\(key)' must be a string") }
        return text
    }

    static func bool(_ value: JSONValue?, _ key: String) throws(JSRError) -> Bool {
        guard case .bool(let flag)? = value else { throw JSRError(.malformedRequest, "'\(key)' must be true or false") }
        return flag
    }

    /// An optional nested object (`permissions`, `runtimeCompat`…): absent or null is nil.
    static func decode<T: Decodable>(_ type: T.Type, _ value: JSONValue?, _ key: String) throws(JSRError) -> T? {
        guard let value, value != .null else { return nil }
        guard let decoded = try? JSONDecoder().decode(T.self, from: Data(value.bytes)) else {
            throw JSRError(.malformedRequest, "'\(key)' has the wrong shape")
        }
        return decoded
    }

    static func integer(_ request: Request, _ name: String, default fallback: Int) throws(JSRError) -> Int {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return fallback }
        guard let value = Int(raw) else { throw JSRError(.malformedRequest, "\(name) must be an integer, got '\(raw)'") }
        return value
    }

    static func paging(_ request: Request) throws(JSRError) -> JSRPaging {
        try JSRPaging(page: try integer(request, "page", default: 1), limit: try integer(request, "limit", default: 20))
    }
}

extension JSRAuthorizations {
    /// The actor behind the request's `Authorization` header (a JSR token or a Wharf login JWT).
    func actor(of request: Request) async throws(JSRError) -> JSRActor {
        try await authenticate(authorization: request.headers[.authorization])
    }
}

extension Parameters {
    /// A path parameter the route pattern guarantees.
    func require(_ name: String) throws(JSRError) -> String {
        guard let value = get(name) else { throw JSRError(.malformedRequest, "missing path parameter \(name)") }
        return value.removingPercentEncoding ?? String(value)
    }
}
