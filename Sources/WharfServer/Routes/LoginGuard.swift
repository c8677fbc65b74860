import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Logging
import Registry

/// The brute-force limit of the routes that check a secret (`/auth/login`, the device page, the
/// device-flow exchange): failures are counted per client address (and per subject, such as the
/// authorization code, where there is one), logged, and answered 429 with `Retry-After` once
/// `auth.max_failures` is used up.
struct LoginGuard: Sendable {
    let limiter: AuthFailureLimiter
    let trustedProxies: [IPNetwork]
    let logger: Logger

    /// Runs `body` unless the client (or `subject`) is blocked; counts its failure when
    /// `isFailure` says the error was a wrong secret.
    func attempt<T>(
        _ what: String, request: Request, context: WharfRequestContext, subject: String? = nil,
        isFailure: (any Error) -> Bool, _ body: () async throws -> T
    ) async throws -> T {
        let client = ClientAddress.of(request.headers, peer: context.peerAddress, trusted: trustedProxies)
        var keys = ["client:\(client)"]
        if let subject { keys.append(subject) }
        try limiter.check(keys)
        do {
            return try await body()
        } catch where isFailure(error) {
            limiter.recordFailure(keys)
            logger.warning("failed \(what)", metadata: ["client": "\(client)", "subject": "\(subject ?? "")", "error": "\(error)"])
            throw error
        }
    }
}

extension TooManyFailures {
    /// 429 with `Retry-After`, as `{"error"}` (Eik, pages) or jsr.io's `{"code","message"}`.
    func response(jsr: Bool) -> Response {
        let body: JSONValue = jsr ? .object([("code", .string("tooManyRequests")), ("message", .string(description))]) : .object([("error", .string(description))])
        return JSONResponse.make(body.bytes, status: .tooManyRequests, cacheControl: "no-store", headers: [.retryAfter: String(retryAfter)])
    }
}

/// Lets a `TooManyFailures` thrown by a route answer as itself.
struct TooManyFailuresError: HTTPResponseError {
    let failure: TooManyFailures
    let jsr: Bool
    var status: HTTPResponse.Status { .tooManyRequests }
    func response(from request: Request, context: some RequestContext) throws -> Response { failure.response(jsr: jsr) }
}
