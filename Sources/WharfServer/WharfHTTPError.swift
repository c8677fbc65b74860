import Foundation
import Hummingbird
import JSON

/// Every error Wharf answers: a status and a message, sent as `{"error": message}` with
/// `Cache-Control: no-store` (or the given cache policy) and CORS, as the jspm and Eik APIs do.
public struct WharfHTTPError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let message: String
    public var cacheControl = "no-store"
    public var extraHeaders: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        makeResponse()
    }

    public func makeResponse() -> Response {
        JSONResponse.make(JSONValue.object([("error", .string(message))]).bytes, status: status, cacheControl: cacheControl, headers: extraHeaders)
    }
}
