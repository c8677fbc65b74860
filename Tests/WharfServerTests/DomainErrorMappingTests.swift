import EdgeCache
import HTTPTypes
import ImportMaps
import Registry
import Testing
@testable import WharfServer

/// The one table from domain error kinds to statuses (DomainErrorMiddleware.swift).
@Suite struct DomainErrorMappingTests {
    @Test func edgeCacheKinds() {
        let table: [(EdgeCacheError.Kind, HTTPResponse.Status)] = [
            (.hostNotAllowed, .notFound), (.invalidPath, .badRequest), (.offlineMiss, .gatewayTimeout),
            (.upstreamUnavailable, .badGateway), (.upstreamStatus(500), .badGateway), (.redirectNotAllowed, .badGateway),
            (.objectTooLarge, .badGateway), (.storage, .internalServerError),
        ]
        for (kind, status) in table { #expect(EdgeCacheError(kind, "m").httpError.status == status) }
    }

    @Test func registryKindsAndReads() {
        let table: [(RegistryError.Kind, HTTPResponse.Status)] = [
            (.invalid, .badRequest), (.unauthorized, .unauthorized), (.notFound, .notFound), (.conflict, .conflict),
            (.tooLarge, .contentTooLarge), (.unsupportedMedia, .unsupportedMediaType), (.unprocessable, .unprocessableContent),
            (.storage, .badGateway),
        ]
        for (kind, status) in table { #expect(RegistryError(kind, "m").httpError(isRead: false).status == status) }
        // A name that cannot exist is simply not there when read, and that answer may be cached briefly.
        let read = RegistryError(.invalid, "bad name").httpError(isRead: true)
        #expect(read.status == .notFound)
        #expect(read.cacheControl == "public, max-age=5")
    }

    @Test func importMapKinds() {
        let table: [(ImportMapError.Kind, HTTPResponse.Status)] = [
            (.invalid, .badRequest), (.notFound, .notFound), (.offline, .gatewayTimeout), (.upstream, .badGateway),
            (.cancelled, .serviceUnavailable),
        ]
        for (kind, status) in table { #expect(ImportMapError(kind, "m").httpError.status == status) }
    }

    /// Every JSR code has a status, and the families are jsr.io's.
    @Test func jsrCodes() {
        for kind in JSRError.Kind.allCases { #expect(JSRError(kind, "m").status.code >= 400) }
        #expect(JSRError(.invalidBearerToken, "m").status == .unauthorized)
        #expect(JSRError(.actorNotScopeAdmin, "m").status == .forbidden)
        #expect(JSRError(.packageVersionNotFound, "m").status == .notFound)
        #expect(JSRError(.scopeNotEmpty, "m").status == .conflict)
        #expect(JSRError(.tarballSizeLimitExceeded, "m").status == .contentTooLarge)
        #expect(JSRError(.duplicateVersionPublish, "m").status == .badRequest)
    }
}
