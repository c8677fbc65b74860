import ImportMaps
import WharfServer
import WharfTestSupport

/// A local origin standing in for the npm registry, api.jspm.io and the CDNs, and Wharf's
/// components over a fresh store that fetch from it: the domain types wired as `wharf serve`
/// wires them (`WharfComponents`), called directly, with no Wharf HTTP server in between.
struct ComponentsFixture {
    let origin: TestOrigin
    let components: WharfComponents

    var generator: Generator { components.generator }
    var rewriter: MapRewriter { components.rewriter }

    /// Runs `body` against a fresh origin and store, and stops both afterwards, also when it throws.
    static func with<T>(
        routes: [String: TestOrigin.Handler], configure: (inout WharfConfiguration) -> Void = { _ in },
        _ body: (ComponentsFixture) async throws -> T
    ) async throws -> T {
        let origin = TestOrigin(routes: routes)
        let server = try await origin.start()
        let data = TemporaryDirectory("import-maps")
        var configuration = WharfConfiguration.testing(data: data.path, originPort: server.port)
        configure(&configuration)
        do {
            let result = try await WharfComponents.using(configuration) { components in
                try await body(ComponentsFixture(origin: origin, components: components))
            }
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }
}
