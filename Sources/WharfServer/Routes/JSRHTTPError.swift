import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Registry

/// A JSR API failure as jsr.io sends it: `{"code": …, "message": …}` (plus `task` on a duplicate
/// publish) with the code's status. The one place JSR error codes become statuses.
struct JSRHTTPError: HTTPResponseError, Sendable {
    let error: JSRError

    var status: HTTPResponse.Status {
        switch error.code {
        case .malformedRequest, .invalidScopeName, .invalidPackageName, .invalidVersion, .duplicateVersionPublish, .alreadyScopeMember,
             .alreadyInvited, .scopeMustHaveAdmin, .authorizationPending, .authorizationDenied, .authorizationExpired,
             .authorizationInvalidVerifier, .scopeLimitReached, .scopePackageLimitExceeded, .weeklyPackageLimitExceeded,
             .weeklyPublishAttemptsLimitExceeded:
            .badRequest
        case .missingAuthentication, .invalidBearerToken: .unauthorized
        case .actorNotScopeMember, .actorNotScopeAdmin, .missingPermission, .actorNotAuthorized: .forbidden
        case .scopeNotFound, .packageNotFound, .packageVersionNotFound, .userNotFound, .publishNotFound, .authorizationNotFound,
             .scopeMemberNotFound, .scopeInviteNotFound, .tokenNotFound, .notFound:
            .notFound
        case .scopeAlreadyExists, .packageAlreadyExists, .scopeNotEmpty, .packageNotEmpty: .conflict
        case .tarballSizeLimitExceeded: .contentTooLarge
        case .methodNotAllowed: .methodNotAllowed
        case .internalServerError: .internalServerError
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var members: [(String, JSONValue)] = [("code", .string(error.code.rawValue)), ("message", .string(error.message))]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let task = error.task, let data = try? encoder.encode(task), let value = try? JSONValue.parse(Array(data)) {
            members.append(("task", value))
        }
        return JSONResponse.make(JSONValue.object(members), status: status, cacheControl: "no-store")
    }
}

extension JSRError {
    var http: JSRHTTPError { JSRHTTPError(error: self) }
}
