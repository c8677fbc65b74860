import EdgeCache
import HTTPTypes
import Hummingbird
import ImportMaps
import Registry
import URLLayout

/// The one place domain errors become HTTP answers: each target's error `kind` maps to a status
/// here, so routes just throw what the domain threw.
struct DomainErrorMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            throw Self.httpError(for: error, request: request)
        }
    }

    /// `error` as the HTTP error it answers; errors that already are one pass through unchanged.
    static func httpError(for error: any Error, request: Request) -> any Error {
        switch error {
        case let error as EdgeCacheError: error.httpError
        case let error as ImportMapError: error.httpError
        case let error as RegistryError: error.httpError(isRead: request.method == .get || request.method == .head)
        case let error as JSRError: JSRHTTPError(error: error)
        // jsr.io's `{"code","message"}` under its API; `{"error"}` elsewhere.
        case let error as TooManyFailures: TooManyFailuresError(failure: error, jsr: request.uri.path.hasPrefix(WharfURLs.jsrAPIPrefix))
        default: error
        }
    }
}

extension EdgeCacheError {
    var httpError: WharfHTTPError {
        let status: HTTPResponse.Status = switch kind {
        case .hostNotAllowed: .notFound
        case .invalidPath: .badRequest
        case .offlineMiss: .gatewayTimeout
        case .upstreamUnavailable, .upstreamStatus, .redirectNotAllowed, .objectTooLarge: .badGateway
        case .storage: .internalServerError
        }
        return WharfHTTPError(status, message)
    }
}

extension ImportMapError {
    var httpError: WharfHTTPError {
        let status: HTTPResponse.Status = switch kind {
        case .invalid: .badRequest
        case .notFound: .notFound
        case .offline: .gatewayTimeout
        case .upstream: .badGateway
        // Nobody reads it: the client is gone.
        case .cancelled: .serviceUnavailable
        }
        return WharfHTTPError(status, message)
    }
}

extension RegistryError {
    /// Validation failures are 404 on reads, as the Eik server answers a name that cannot exist.
    func httpError(isRead: Bool) -> WharfHTTPError {
        let status: HTTPResponse.Status = switch kind {
        case .invalid: isRead ? .notFound : .badRequest
        case .unauthorized: .unauthorized
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .unsupportedMedia: .unsupportedMediaType
        case .unprocessable: .unprocessableContent
        case .storage: .badGateway
        }
        return status == .notFound ? EikRoutes.notFound(message) : WharfHTTPError(status, message)
    }
}

extension JSRError {
    /// jsr.io's status for each of its error codes.
    var status: HTTPResponse.Status {
        switch kind {
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
}
