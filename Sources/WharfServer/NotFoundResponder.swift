import Hummingbird
import Registry

/// Unknown routes answer a JSON 404 like every other error (under `/api`, in jsr.io's shape).
struct NotFoundMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            if request.uri.path.hasPrefix("/api/") {
                throw JSRHTTPError(error: JSRError(.notFound, "no route for \(request.method) \(request.uri.path)"))
            }
            var notFound = WharfHTTPError(.notFound, "no route for \(request.method) \(request.uri.path)")
            notFound.cacheControl = "public, max-age=5"
            throw notFound
        }
    }
}
