import Foundation
import HTTPTypes
import Hummingbird
import ImportMaps
import JSON

/// Every JSON answer of the jspm and Eik routes, errors included: one content type, the caller's
/// cache policy, and CORS, as the APIs Wharf stands in for send them.
enum JSONResponse {
    static func make(_ bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok, cacheControl: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = cacheControl
        headers[.accessControlAllowOrigin] = "*"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An order-keeping `JSONValue` (maps, listings, generator results).
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok, cacheControl: String) -> Response {
        make(Array(value.serialized().utf8), status: status, cacheControl: cacheControl)
    }
}
