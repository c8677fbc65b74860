import EdgeCache
import Foundation
import Hummingbird
import ImportMaps
import JSON
import URLLayout

/// `GET/POST /generate`: the jspm.io generator API over Wharf's cache.
struct GenerateRoutes {
    let generator: Generator

    func register(on router: Router<WharfRequestContext>) {
        router.get(RouterPath(WharfURLs.generatePath)) { request, context in
            var fields: [String: JSONValue] = [:]
            for (name, value) in request.uri.queryParameters where fields[String(name)] == nil {
                fields[String(name)] = .string(String(value))
            }
            return try await run(try GenerateRequest(fields: fields), context: context)
        }
        router.post(RouterPath(WharfURLs.generatePath)) { request, context in
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: 1 << 20) } catch {
                throw WharfHTTPError(.contentTooLarge, "the request body is larger than 1 MiB")
            }
            let body: JSONValue
            do throws(JSONParseError) { body = try JSONValue.parse(Array(buffer.readableBytesView)) } catch {
                throw WharfHTTPError(.badRequest, "body: \(error.description)")
            }
            var fields: [String: JSONValue] = [:]
            for (name, value) in body.objectMembers ?? [] { fields[name] = value }
            return try await run(try GenerateRequest(fields: fields), context: context)
        }
    }

    /// The generation stops when the client's connection closes: nobody would read its answer.
    private func run(_ request: GenerateRequest, context: WharfRequestContext) async throws -> Response {
        let options = request.options
        let generator = generator
        let work = Task { () throws(ImportMapError) -> GenerateResult in try await generator.generate(options) }
        context.onClientGone { work.cancel() }
        let result = try await withTaskCancellationHandler { try await work.value } onCancel: { work.cancel() }
        if request.mapOnly {
            return Response(
                status: .ok,
                headers: [.contentType: "application/importmap+json", .cacheControl: "no-store", .accessControlAllowOrigin: "*"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: result.map.serialized(indent: 2)))
            )
        }
        var members: [(String, JSONValue)] = [
            ("staticDeps", .array(result.staticDeps.map(JSONValue.string))),
            ("dynamicDeps", .array(result.dynamicDeps.map(JSONValue.string))),
            ("map", result.map),
        ]
        if let graph = result.graph { members.append(("graph", graph)) }
        return JSONResponse.make(.object(members), cacheControl: "no-store")
    }
}
