import EdgeCache
import Foundation
import Hummingbird
import ImportMaps

/// `GET/POST /generate`: the jspm.io generator API over Wharf's cache.
struct GenerateRoutes {
    let generator: Generator

    func register(on router: Router<WharfRequestContext>) {
        router.get("/generate") { request, context in
            let query = request.uri.queryParameters
            var options = GenerateOptions()
            let list = { (name: String) -> [String] in
                query[Substring(name)].map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } ?? []
            }
            options.install = try Self.targets(list("install"))
            if query["env"] != nil { options.env = list("env") }
            if let provider = query["provider"] { options.provider = try Self.provider(String(provider)) }
            options.flattenScope = Self.flag(query["flattenScope"].map(String.init))
            options.integrity = Self.flag(query["integrity"].map(String.init))
            options.graph = Self.flag(query["graph"].map(String.init))
            options.ignore = Set(list("ignore"))
            if let input = query["inputMap"] { options.inputMap = try Self.parse(String(input), field: "inputMap") }
            if let resolutions = query["resolutions"] { options.resolutions = try Self.stringMap(Self.parse(String(resolutions), field: "resolutions")) }
            return try await run(options, onlyMap: query["output"] == "importmap", context: context)
        }
        router.post("/generate") { request, context in
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: 1 << 20) } catch {
                throw WharfHTTPError(.contentTooLarge, "the request body is larger than 1 MiB")
            }
            let body = try Self.parse(String(decoding: buffer.readableBytesView, as: UTF8.self), field: "body")
            var options = GenerateOptions()
            options.install = try Self.targets(Self.strings(body["install"]))
            if let env = body["env"] { options.env = Self.strings(env) }
            if let provider = body["provider"]?.stringValue { options.provider = try Self.provider(provider) }
            options.flattenScope = body["flattenScope"] == .bool(true)
            options.integrity = body["integrity"] == .bool(true)
            options.graph = body["graph"] == .bool(true)
            options.ignore = Set(Self.strings(body["ignore"]))
            options.inputMap = body["inputMap"]
            if let resolutions = body["resolutions"] { options.resolutions = try Self.stringMap(resolutions) }
            return try await run(options, onlyMap: body["output"]?.stringValue == "importmap", context: context)
        }
    }

    /// The generation stops when the client's connection closes: nobody would read its answer.
    private func run(_ options: GenerateOptions, onlyMap: Bool, context: WharfRequestContext) async throws -> Response {
        let result: GenerateResult
        let generator = generator
        let work = Task { () throws(ImportMapError) -> GenerateResult in try await generator.generate(options) }
        context.onClientGone { work.cancel() }
        do {
            result = try await withTaskCancellationHandler { try await work.value } onCancel: { work.cancel() }
        } catch let error as ImportMapError {
            throw error.httpError
        }
        if onlyMap {
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

    private static func targets(_ texts: [String]) throws -> [InstallTarget] {
        guard !texts.isEmpty else { throw WharfHTTPError(.badRequest, "install names no package") }
        do {
            return try texts.map { text throws(ImportMapError) in try InstallTarget.parse(text) }
        } catch {
            throw error.httpError
        }
    }

    private static func provider(_ name: String) throws -> Provider {
        guard let provider = Provider.named(name), provider != .esmSh else {
            throw WharfHTTPError(.badRequest, "unknown provider '\(name)': use jspm.io, unpkg, jsdelivr or local")
        }
        return provider
    }

    private static func flag(_ value: String?) -> Bool {
        guard let value else { return false }
        return value.isEmpty || value == "true" || value == "1"
    }

    private static func parse(_ text: String, field: String) throws -> JSONValue {
        do { return try JSONValue.parse(text) } catch { throw WharfHTTPError(.badRequest, "\(field): \(error.description)") }
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let s)?: s.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        case .array(let items)?: items.compactMap(\.stringValue)
        default: []
        }
    }

    private static func stringMap(_ value: JSONValue) throws -> [String: String] {
        guard let members = value.objectMembers else { throw WharfHTTPError(.badRequest, "resolutions must be an object of name: version") }
        var result: [String: String] = [:]
        for (key, value) in members { result[key] = value.stringValue }
        return result
    }
}
