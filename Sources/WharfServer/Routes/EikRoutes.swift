import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Registry
import Semver
import URLLayout

/// The Eik server REST API: `/pkg`, `/npm` and `/map` (packages, versions, files, import maps,
/// aliases). Handled on the raw path so scoped names, encoded or not, are decoded exactly once.
struct EikRoutes: RouterMiddleware {
    typealias Context = WharfRequestContext

    let registry: EikRegistry
    let authenticator: Authenticator
    let files: StoredFileResponse

    // The routes below are `@inline(never)`: swiftc 6.3.1 -O crashes (signal 11 in LLVM's CoroSplit)
    // on the closure-specialized copy of `handle` when they are inlined into it.
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let raw = request.uri.path
        guard WharfURLs.eikTypes.contains(where: { raw.hasPrefix("/\($0)/") }) else {
            return try await next(request, context)
        }
        let isRead = request.method == .get || request.method == .head
        guard let path = EikPath.parse(raw.dropFirst()) else {
            throw isRead ? Self.notFound("not found: \(raw)") : WharfHTTPError(.badRequest, "invalid path: \(raw)")
        }
        switch (request.method, path.tail) {
            case (.get, _), (.head, _):
                return try read(path, request: request)
            case (.put, .version(let version, file: nil)):
                return try await publish(path, version: version, request: request)
            case (.put, .alias(let major, file: nil)):
                return try await changeAlias(path, major: major, change: .create, request: request)
            case (.post, .alias(let major, file: nil)):
                return try await changeAlias(path, major: major, change: .update, request: request)
            case (.delete, .alias(let major, file: nil)):
                _ = try await authenticator.authenticate(authorization: request.headers[.authorization])
                try await registry.deleteAlias(type: path.type, name: Self.nameForLookup(path), major: Self.majorForLookup(major))
                return Response(status: .noContent, headers: [.cacheControl: "no-store", .accessControlAllowOrigin: "*"])
            default:
                var error = WharfHTTPError(.methodNotAllowed, "\(request.method) is not allowed on \(raw)")
                error.extraHeaders[.allow] = "GET, HEAD"
                throw error
        }
    }

    // MARK: reads

    @inline(never)
    private func read(_ path: EikPath, request: Request) throws -> Response {
        let name = try Self.nameForLookup(path)
        switch path.tail {
        case .none:
            guard let overview = try registry.overview(type: path.type, name: name) else {
                throw Self.notFound("\(path.type.rawValue)/\(name) has no versions")
            }
            let versions = overview.latestByMajor.map { latest in
                JSONValue.array([.number(String(latest.major)), .object([("version", .string(latest.entry.version)), ("integrity", .string(latest.entry.integrity))])])
            }
            let document = JSONValue.object([("versions", .array(versions)), ("type", .string(path.type.rawValue)), ("name", .string(name.value)), ("org", .string("local"))])
            return JSONResponse.make(document, cacheControl: "no-cache")
        case .alias(let major, let file):
            guard let version = try registry.alias(type: path.type, name: name, major: Self.majorForLookup(major)) else {
                throw Self.notFound("alias \(path.type.rawValue)/\(name)/v\(major) does not exist")
            }
            let location = "/\(path.type.rawValue)/\(Self.encode(name.value))/\(version)" + (file.map(Self.encode) ?? "")
            return Response(status: .found, headers: [
                .location: location, .cacheControl: "public, max-age=1200", .accessControlAllowOrigin: "*", .contentLength: "0",
            ])
        case .version(let version, file: nil) where path.type == .map:
            return try serveFile(path, name: name, version: version, file: "/import-map.json", request: request)
        case .version(let version, file: nil):
            guard let record = try registry.version(type: path.type, name: name, version: version) else {
                throw Self.notFound("\(path.type.rawValue)/\(name)/\(version) is not published")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            return JSONResponse.make(try encoder.encode(record), cacheControl: "no-cache")
        case .version(let version, let file?):
            return try serveFile(path, name: name, version: version, file: file, request: request)
        }
    }

    @inline(never)
    private func serveFile(_ path: EikPath, name: PackageName, version: String, file: String, request: Request) throws -> Response {
        // Published versions never change (a version is published once, and never deleted).
        let fill = StoredFileResponse.HotFill(purgeKey: "eik:\(path.type.rawValue)/\(name)/\(version)\(file)", generation: files.hot.generation, isEdgeCacheHit: false)
        guard let (stored, bytes) = try registry.fileWithBody(type: path.type, name: name, version: version, path: file) else {
            throw Self.notFound("\(path.type.rawValue)/\(name)/\(version)\(file) not found")
        }
        return files.respond(to: request, published: stored, preloaded: bytes, fill: fill)
    }

    // MARK: writes

    @inline(never)
    private func publish(_ path: EikPath, version rawVersion: String, request: Request) async throws -> Response {
        let user = try await authenticator.authenticate(authorization: request.headers[.authorization])
        let name = try PackageName(path.rawName)
        let version = try EikRegistry.version(rawVersion)
        let author = EikAuthor(name: user.name, user: user.name)
        let location = "/\(path.type.rawValue)/\(Self.encode(name.value))/\(version)"
        if path.type == .map {
            let fields = try await FormReader(limits: ["map": registry.limits.maxMapSize]).read(request)
            guard let map = fields.values["map"] else { throw WharfHTTPError(.badRequest, "the form field 'map' (a JSON import map) is missing") }
            _ = try await registry.publishMap(name: name, version: version, json: map, author: author)
            return Self.seeOther(location)
        }
        let fields = try await FormReader(limits: ["package": registry.limits.maxPackageSize]).read(request)
        guard let archive = fields.values["package"] else {
            throw WharfHTTPError(.badRequest, "the form field 'package' (a tar or tar.gz file) is missing")
        }
        _ = try await registry.publish(type: path.type, name: name, version: version, archive: archive, author: author)
        return Self.seeOther(location)
    }

    @inline(never)
    private func changeAlias(_ path: EikPath, major: String, change: EikRegistry.AliasChange, request: Request) async throws -> Response {
        _ = try await authenticator.authenticate(authorization: request.headers[.authorization])
        let name = change == .create ? try PackageName(path.rawName) : try Self.nameForLookup(path)
        let number = change == .create ? try EikRegistry.major(major) : try Self.majorForLookup(major)
        let fields = try await FormReader(limits: ["version": 256]).read(request)
        guard let version = fields.string("version"), !version.isEmpty else {
            throw WharfHTTPError(.badRequest, "the form field 'version' is missing")
        }
        try await registry.setAlias(type: path.type, name: name, major: number, version: version, change: change)
        return Self.seeOther("/\(path.type.rawValue)/\(Self.encode(name.value))/v\(number)")
    }

    // MARK: helpers

    /// Lookups answer 404, not 400, for names and aliases that cannot exist (as the Eik server does).
    private static func nameForLookup(_ path: EikPath) throws(WharfHTTPError) -> PackageName {
        do { return try PackageName(path.rawName) } catch { throw notFound(error.message) }
    }

    private static func majorForLookup(_ raw: String) throws(WharfHTTPError) -> UInt64 {
        do { return try EikRegistry.major(raw) } catch { throw notFound(error.message) }
    }

    static func notFound(_ message: String) -> WharfHTTPError {
        var error = WharfHTTPError(.notFound, message)
        error.cacheControl = "public, max-age=5"
        return error
    }

    private static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store", .accessControlAllowOrigin: "*", .contentLength: "0"])
    }

    /// Re-encodes a name or file path for a `Location` header; `@` and `/` stay as they are.
    static func encode(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%"))) ?? path
    }
}
