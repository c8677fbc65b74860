import Hummingbird
import JSON
import Testing
import WharfTestSupport
@testable import ImportMaps

/// `fetchRetries`: how often one generation fetches again what failed on the way (generator.ts
/// `GeneratorOptions.fetchRetries`; fetch-common.ts `wrappedFetch` retries exceptions, that is
/// network errors, and answers other statuses at once). Each run has its own origin, whose dyn
/// module is cut short on its first request.
@Suite struct FetchRetriesTests {
    static let dynPath = "/npm:dyn@1.0.0/index.js"

    /// The body breaks off after four bytes on the first request; later requests get it whole.
    static func cutShortOnce(_ text: String) -> TestOrigin.Handler {
        let bytes = Array(text.utf8)
        return { request, attempt in
            guard attempt == 1 else { return try await TestOrigin.file(bytes)(request, attempt) }
            return Response(status: .ok, headers: [.contentType: "application/javascript"], body: ResponseBody(contentLength: bytes.count) { writer in
                try await writer.write(ByteBuffer(bytes: bytes.prefix(4)))
                throw CancellationError()
            })
        }
    }

    static func routes(dyn handler: @escaping TestOrigin.Handler) -> [String: TestOrigin.Handler] {
        var routes = NpmFixture.routes
        routes[dynPath] = handler
        return routes
    }

    static func options(retries: Int) throws -> GenerateOptions {
        var options = GenerateOptions()
        options.install = [try InstallTarget.parse("dyn")]
        options.fetchRetries = retries
        return options
    }

    @Test func aFetchCutShortIsTriedAgain() async throws {
        let text = try #require(NpmFixture.packages["dyn"]?["1.0.0"]?["index.js"])
        try await ComponentsFixture.with(routes: Self.routes(dyn: Self.cutShortOnce(text))) { fixture in
            let result = try await fixture.generator.generate(try Self.options(retries: 1))
            // The map JSPM writes for dyn alone (its `exports` is "./index.js").
            #expect(result.map == (try JSONValue.parse(#"{"imports": {"dyn": "https://ga.jspm.io/npm:dyn@1.0.0/index.js"}}"#)), "\(result.map.serialized())")
            #expect(fixture.origin.count(Self.dynPath) == 2)
        }
    }

    @Test func withoutRetriesTheFirstFailureAnswers() async throws {
        let text = try #require(NpmFixture.packages["dyn"]?["1.0.0"]?["index.js"])
        try await ComponentsFixture.with(routes: Self.routes(dyn: Self.cutShortOnce(text))) { fixture in
            await #expect(throws: ImportMapError.self) { try await fixture.generator.generate(try Self.options(retries: 0)) }
            #expect(fixture.origin.count(Self.dynPath) == 1)
        }
    }

    /// An answer with a failing status is an answer, not a network error: not retried.
    @Test func aFailingStatusIsNotRetried() async throws {
        let failing: TestOrigin.Handler = { _, _ in Response(status: .serviceUnavailable) }
        try await ComponentsFixture.with(routes: Self.routes(dyn: failing)) { fixture in
            await #expect(throws: ImportMapError.self) { try await fixture.generator.generate(try Self.options(retries: 3)) }
            #expect(fixture.origin.count(Self.dynPath) == 1)
        }
    }
}
