import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Registry

/// A JSR API failure as jsr.io sends it: `{"code": …, "message": …}` (plus `task` on a duplicate
/// publish) with the code's status (`JSRError.status`, in DomainErrorMiddleware.swift).
struct JSRHTTPError: HTTPResponseError, Sendable {
    let error: JSRError

    var status: HTTPResponse.Status { error.status }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var members: [(String, JSONValue)] = [("code", .string(error.kind.rawValue)), ("message", .string(error.message))]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let task = error.task, let data = try? encoder.encode(task), let value = try? JSONValue.parse(Array(data)) {
            members.append(("task", value))
        }
        return JSONResponse.make(JSONValue.object(members), status: status, cacheControl: "no-store")
    }
}
