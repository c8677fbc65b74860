/// Why a JSR API call failed; `kind` is jsr.io's error code (its raw value is sent as `code`), mapped
/// to a status in one place; `task` rides along on `duplicateVersionPublish`, as jsr.io sends it.
public struct JSRError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case malformedRequest, invalidScopeName, invalidPackageName, invalidVersion
        case missingAuthentication, invalidBearerToken
        case actorNotScopeMember, actorNotScopeAdmin, missingPermission, actorNotAuthorized
        case scopeNotFound, packageNotFound, packageVersionNotFound, userNotFound, publishNotFound
        case authorizationNotFound, scopeMemberNotFound, scopeInviteNotFound, tokenNotFound
        case scopeAlreadyExists, packageAlreadyExists, scopeNotEmpty, packageNotEmpty
        case duplicateVersionPublish, alreadyScopeMember, alreadyInvited, scopeMustHaveAdmin
        case scopeLimitReached, scopePackageLimitExceeded, weeklyPackageLimitExceeded, weeklyPublishAttemptsLimitExceeded
        case authorizationPending, authorizationDenied, authorizationExpired, authorizationInvalidVerifier
        case tarballSizeLimitExceeded
        case notFound, methodNotAllowed
        case internalServerError
    }

    public let kind: Kind
    public let message: String
    public var task: JSRPublishingTask?

    public init(_ kind: Kind, _ message: String, task: JSRPublishingTask? = nil) {
        self.kind = kind
        self.message = message
        self.task = task
    }

    public var description: String { "\(kind.rawValue): \(message)" }

    static func storage(_ action: String, _ error: any Error) -> JSRError {
        if let error = error as? JSRError { return error }
        return JSRError(.internalServerError, "could not \(action): \(error)")
    }
}
