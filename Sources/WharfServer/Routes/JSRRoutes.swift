import Hummingbird
import Registry
import URLLayout

/// The JSR registry API under `/api` (the jsr API 1.0.0 seed, as jsr.io serves it), one route
/// collection per area: scopes, packages, users and tokens, device authorization.
struct JSRRoutes {
    let registry: JSRRegistry
    let authorizations: JSRAuthorizations
    let publisher: JSRPublisher
    let urls: WharfURLs
    let loginGuard: LoginGuard
    let hot: HotCache

    func register(on router: Router<WharfRequestContext>) {
        let api = router.group(RouterPath(String(WharfURLs.jsrAPIPrefix.dropFirst().dropLast())))
        JSRScopeRoutes(scopes: registry.scopes, authorizations: authorizations, hot: hot).register(on: api)
        JSRPackageRoutes(registry: registry, authorizations: authorizations, hot: hot, publisher: publisher).register(on: api)
        JSRUserRoutes(scopes: registry.scopes, authorizations: authorizations).register(on: api)
        JSRAuthorizationRoutes(authorizations: authorizations, urls: urls, loginGuard: loginGuard).register(on: api)
    }
}
