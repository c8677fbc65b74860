import EdgeCache
import Foundation
import Hummingbird
import ImportMaps
import JSON
import Logging

/// The jspm.io download listing (`/download`), import-map rewriting (`/rewrite`) and the build
/// request (`/build`).
struct ImportMapRoutes {
    let listings: DownloadListings
    let rewriter: MapRewriter
    let rebuildToken: String
    /// Owns the `/build` prefetches, which outlive their request; shutdown drains it.
    let background: TaskSet
    let logger: Logger

    static let maxBody = 4 << 20

    func register(on router: Router<WharfRequestContext>) {
        // `**`: scoped names (`@scope/name@1.0.0`) span two path segments.
        router.get("/download/**") { request, context in
            let specs = context.parameters.getCatchAll().joined(separator: "/")
            return try await download(
                specs: Self.decode(specs).split(separator: ",").map { String($0) },
                provider: request.uri.queryParameters["provider"].map(String.init),
                exclude: request.uri.queryParameters["exclude"].map { $0.split(separator: ",").map(String.init) } ?? []
            )
        }
        router.post("/download") { request, _ in
            let body = try await Self.json(request)
            guard case .array(let items)? = body["packages"] else {
                throw WharfHTTPError(.badRequest, "expected {\"packages\": [\"name@version\", …]}")
            }
            let exclude: [String]
            if case .array(let values)? = body["exclude"] { exclude = values.compactMap(\.stringValue) } else { exclude = [] }
            return try await download(specs: items.compactMap(\.stringValue), provider: body["provider"]?.stringValue, exclude: exclude)
        }
        router.post("/rewrite") { request, _ in try await rewrite(request) }
        router.get("/build/**") { request, context in
            try await build(Self.decode(context.parameters.getCatchAll().joined(separator: "/")), token: request.uri.queryParameters["token"].map(String.init))
        }
    }

    // MARK: download

    private func download(specs: [String], provider name: String?, exclude names: [String]) async throws -> Response {
        let provider = try Provider.forListing(named: name)
        var exclude = Set<ListingExclusion>()
        for name in names {
            guard let exclusion = ListingExclusion(rawValue: name) else {
                throw WharfHTTPError(.badRequest, "unknown exclude '\(name)': use unused, types, sourcemaps, readme or license")
            }
            exclude.insert(exclusion)
        }
        guard !specs.isEmpty, specs.count <= 100 else { throw WharfHTTPError(.badRequest, "name 1 to 100 packages as name@version") }
        var result: [(String, JSONValue)] = []
        for spec in specs {
            guard let package = PackageID(spec) else {
                throw WharfHTTPError(.badRequest, "'\(spec)' is not name@version with a full exact version")
            }
            let listing = try await listings.listing(package, provider: provider, exclude: exclude)
            result.append((spec, .object([("pkgUrl", .string(listing.pkgUrl)), ("files", .array(listing.files.map(JSONValue.string)))])))
        }
        return JSONResponse.make(.object(result), cacheControl: "public, max-age=3600")
    }

    // MARK: rewrite

    private func rewrite(_ request: Request) async throws -> Response {
        let body = try await Self.json(request)
        guard let map = body["map"], case .object = map else {
            throw WharfHTTPError(.badRequest, "expected {\"map\": {\"imports\": …, \"scopes\": …}, \"base\"?: URL, \"allowPartial\"?: bool}")
        }
        let base = body["base"]?.stringValue
        if let base, URL(string: base)?.scheme == nil, !base.hasPrefix("/") {
            throw WharfHTTPError(.badRequest, "base must be an absolute URL or a path starting with /")
        }
        let allowPartial = body["allowPartial"] == .bool(true)
        let outcome = try await rewriter.rewrite(map, base: base)
        let packages = JSONValue.array(outcome.packages.map { report in
            .object([
                ("name", .string(report.package.name)), ("version", .string(report.package.version.description)),
                ("files", .number(String(report.files))), ("bytes", .number(String(report.bytes))), ("source", .string(report.source)),
            ])
        })
        let errors = JSONValue.array(outcome.errors.map(JSONValue.string))
        let untouched = JSONValue.array(outcome.untouched.map(JSONValue.string))
        if !outcome.errors.isEmpty && !allowPartial {
            let message = "\(outcome.errors.count) package\(outcome.errors.count == 1 ? "" : "s") could not be fetched"
            return JSONResponse.make(.object([("error", .string(message)), ("errors", errors), ("packages", packages)]), status: .badGateway, cacheControl: "no-store")
        }
        return JSONResponse.make(.object([("map", outcome.map), ("packages", packages), ("errors", errors), ("untouched", untouched)]), cacheControl: "no-store")
    }

    // MARK: build

    private func build(_ spec: String, token: String?) async throws -> Response {
        guard let package = PackageID(spec) else {
            throw WharfHTTPError(.badRequest, "'\(spec)' is not name@version with a full exact version")
        }
        if let token {
            guard !rebuildToken.isEmpty, token == rebuildToken else { throw WharfHTTPError(.unauthorized, "invalid rebuild token") }
            do {
                try await listings.purge(package)
            } catch {
                throw WharfHTTPError(.internalServerError, "could not purge \(package): \(error)")
            }
        }
        // The listing is fetched now, so an unknown package answers 404 here; the files follow in the background.
        _ = try await listings.listing(package, provider: .jspm)
        let rewriter = rewriter, logger = logger
        background.start {
            do throws(ImportMapError) {
                let report = try await rewriter.prefetch(package)
                logger.info("prefetched \(package): \(report.files) files, \(report.bytes) bytes")
            } catch {
                logger.warning("prefetch of \(package) failed: \(error.message)")
            }
        }
        await listings.forwardBuild(package)
        return JSONResponse.make(.object([("ok", .bool(true)), ("queued", .string(package.description))]), cacheControl: "no-store")
    }

    // MARK: helpers

    private static func decode(_ segment: String) -> String { segment.removingPercentEncoding ?? segment }

    private static func json(_ request: Request) async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBody)
        } catch {
            throw WharfHTTPError(.contentTooLarge, "the request body is larger than \(maxBody) bytes")
        }
        do {
            return try JSONValue.parse(Array(buffer.readableBytesView))
        } catch {
            throw WharfHTTPError(.badRequest, error.description)
        }
    }
}
