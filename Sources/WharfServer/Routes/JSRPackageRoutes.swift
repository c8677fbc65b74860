import Hummingbird
import Registry

/// `/api/packages`, `/api/scopes/{scope}/packages/…` (packages, versions, dependencies,
/// dependents), publishing and its tasks, and `/api/stats`.
struct JSRPackageRoutes: Sendable {
    let registry: JSRRegistry
    let authorizations: JSRAuthorizations
    /// Emptied of JSR files when a package or scope goes (a name may be published again).
    let hot: HotCache
    let publisher: JSRPublisher

    private var packages: JSRPackages { registry.packages }

    func register(on api: RouterGroup<WharfRequestContext>) {
        api.get("packages", use: search)
        api.get("scopes/:scope/packages", use: packagesOfScope)
        api.post("scopes/:scope/packages", use: createPackage)
        api.get("scopes/:scope/packages/:package", use: package)
        api.patch("scopes/:scope/packages/:package", use: updatePackage)
        api.delete("scopes/:scope/packages/:package", use: deletePackage)
        api.get("scopes/:scope/packages/:package/dependents", use: dependents)
        api.get("scopes/:scope/packages/:package/versions", use: versions)
        api.get("scopes/:scope/packages/:package/versions/:version", use: version)
        api.post("scopes/:scope/packages/:package/versions/:version", use: publish)
        api.patch("scopes/:scope/packages/:package/versions/:version", use: yank)
        api.get("scopes/:scope/packages/:package/versions/:version/dependencies", use: dependencies)
        // `publish_status` is the name `deno publish` polls.
        api.get("publishing_tasks/:id", use: task)
        api.get("publish_status/:id", use: task)
        api.get("stats", use: stats)
    }

    @Sendable func search(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let query = request.uri.queryParameters["query"].map(String.init)
        return try JSRAPI.json(packages.packages(try JSRAPI.paging(request), query: query))
    }

    @Sendable func packagesOfScope(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(packages.packages(in: try context.parameters.require("scope"), try JSRAPI.paging(request)))
    }

    @Sendable func createPackage(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        let name = try JSRAPI.string(await JSRAPI.body(request)["package"], "package")
        return try JSRAPI.json(await packages.createPackage(name, in: try context.parameters.require("scope"), by: actor))
    }

    @Sendable func package(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(packages.package(try context.parameters.require("package"), in: try context.parameters.require("scope")))
    }

    @Sendable func updatePackage(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        let (key, value) = try JSRAPI.oneOf(await JSRAPI.body(request), ["description", "runtimeCompat", "githubRepository", "isArchived"])
        let change: JSRPackages.PackageChange
        switch key {
        case "description": change = .description(try JSRAPI.string(value, key))
        case "isArchived": change = .isArchived(try JSRAPI.bool(value, key))
        case "runtimeCompat":
            guard let compat = try JSRAPI.decode(JSRRuntimeCompat.self, value, key) else { throw JSRError(.malformedRequest, "'runtimeCompat' must be an object") }
            change = .runtimeCompat(compat)
        default: change = .githubRepository(try JSRAPI.decode(JSRGitHubRepository.self, value, key))
        }
        return try JSRAPI.json(await packages.updatePackage(
            try context.parameters.require("package"), in: try context.parameters.require("scope"), change, by: actor))
    }

    @Sendable func deletePackage(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        try await packages.deletePackage(try context.parameters.require("package"), in: try context.parameters.require("scope"), by: actor)
        hot.invalidate(prefix: JSRFileRoutes.hotPurgePrefix)
        return JSRAPI.noContent()
    }

    @Sendable func dependents(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let perPackage = try JSRAPI.integer(request, "versions_per_package_limit", default: 10)
        return try JSRAPI.json(packages.dependents(
            of: try context.parameters.require("package"), in: try context.parameters.require("scope"), try JSRAPI.paging(request),
            versionsPerPackage: perPackage))
    }

    @Sendable func versions(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(packages.versions(of: try context.parameters.require("package"), in: try context.parameters.require("scope")))
    }

    @Sendable func version(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let (scope, package, version) = try JSRAPI.coordinates(context)
        return try JSRAPI.json(packages.version(version, of: package, in: scope))
    }

    @Sendable func yank(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        let yanked = try JSRAPI.bool(await JSRAPI.body(request)["yanked"], "yanked")
        let (scope, package, version) = try JSRAPI.coordinates(context)
        return try JSRAPI.json(await packages.setYanked(yanked, version: version, of: package, in: scope, by: actor))
    }

    @Sendable func dependencies(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let (scope, package, version) = try JSRAPI.coordinates(context)
        return try JSRAPI.json(packages.dependencies(of: version, of: package, in: scope))
    }

    /// The tarball is read whole (at most the limit: 413 beyond it) and queued; the answer is the
    /// `pending` task, which the publisher then takes to `success` or `failure`.
    @Sendable func publish(_ request: Request, context: WharfRequestContext) async throws -> Response {
        let actor = try await authorizations.actor(of: request)
        let (scope, package, version) = try JSRAPI.coordinates(context)
        guard let config = request.uri.queryParameters["config"].map(String.init), !config.isEmpty else {
            throw JSRError(.malformedRequest, "the config query parameter (the path of jsr.json or deno.json in the tarball) is missing")
        }
        let limit = registry.limits.maxTarballSize
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw JSRError(.tarballSizeLimitExceeded, "the tarball is \(declared) bytes; the limit is \(limit)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw JSRError(.tarballSizeLimitExceeded, "the tarball is larger than the limit of \(limit) bytes")
        }
        let task = try await registry.publishing.enqueuePublish(
            scope: scope, name: package, version: version, configPath: config, tarball: Array(buffer.readableBytesView), by: actor)
        await publisher.wake()
        return try JSRAPI.json(task)
    }

    @Sendable func task(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(registry.publishing.task(try context.parameters.require("id")))
    }

    @Sendable func stats(_ request: Request, context: WharfRequestContext) async throws -> Response {
        try JSRAPI.json(packages.stats())
    }
}
