import Foundation
import HTTPTypes
import Hummingbird
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
        var body: [String: Any] = ["code": error.code.rawValue, "message": error.message]
        if let task = error.task, let data = try? JSONEncoder().encode(task), let object = try? JSONSerialization.jsonObject(with: data) {
            body["task"] = object
        }
        let bytes = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return JSONResponse.make(bytes, status: status, cacheControl: "no-store")
    }
}

extension JSRError {
    var http: JSRHTTPError { JSRHTTPError(error: self) }
}
