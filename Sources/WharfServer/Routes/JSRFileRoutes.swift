import Foundation
import HTTPTypes
import Hummingbird
import Registry
import URLLayout

/// The files jsr.io serves for a package: `/@scope/name/meta.json` (its versions, for a minute),
/// `/@scope/name/{version}_meta.json` and `/@scope/name/{version}/{path}` (both immutable).
struct JSRFileRoutes: RouterMiddleware {
    typealias Context = WharfRequestContext

    let registry: JSRRegistry
    let files: StoredFileResponse

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let raw = request.uri.path
        guard raw.hasPrefix(WharfURLs.jsrPrefix) else { return try await next(request, context) }
        guard request.method == .get || request.method == .head else {
            throw JSRError(.methodNotAllowed, "\(request.method) is not allowed on \(raw)")
        }
        guard let decoded = raw.removingPercentEncoding, !decoded.contains("\\"), !decoded.contains("\u{0}") else {
            throw JSRError(.notFound, "not found: \(raw)")
        }
        let segments = decoded.dropFirst(WharfURLs.jsrPrefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count >= 3 else { throw JSRError(.notFound, "not found: \(raw)") }
        let scope = segments[0], name = segments[1]
        do {
            if segments.count == 3 && segments[2] == "meta.json" {
                return JSONResponse.make(try registry.packages.packageMetaDocument(scope: scope, name: name), cacheControl: "public, max-age=60")
            }
            if segments.count == 3 && segments[2].hasSuffix("_meta.json") {
                let version = String(segments[2].dropLast("_meta.json".count))
                return JSONResponse.make(try registry.packages.versionMetaDocument(scope: scope, name: name, version: version),
                                         cacheControl: "public, max-age=31536000, immutable")
            }
            let path = "/" + segments[3...].joined(separator: "/")
            guard segments.count >= 4, !segments[3...].contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
                throw JSRError(.notFound, "not found: \(raw)")
            }
            // A version's files never change; deleting a package or a scope invalidates `jsr:`.
            let fill = StoredFileResponse.HotFill(purgeKey: "\(Self.hotPurgePrefix)@\(scope)/\(name)/\(segments[2])\(path)", generation: files.hot.generation, isEdgeCacheHit: false)
            guard let (stored, bytes) = try registry.packages.file(scope: scope, name: name, version: segments[2], path: path) else {
                throw JSRError(.notFound, "@\(scope)/\(name)@\(segments[2]) has no file \(path)")
            }
            return files.respond(to: request, published: stored, preloaded: bytes, fill: fill)
        } catch let error as JSRError {
            // Invalid names and versions are simply not there, as on a static file host.
            switch error.kind {
            case .invalidScopeName, .invalidPackageName, .invalidVersion, .scopeNotFound:
                throw JSRError(.notFound, error.message)
            default:
                throw error
            }
        }
    }

    /// The purge keys of every hot JSR file start with it.
    static let hotPurgePrefix = "jsr:"
}
