import Foundation
import JSON

/// generator 2.16.3's map-shape and scope options: `combineSubpaths` (boolean or `scopes`, `both`,
/// `none`), `expandWildcards`, `dependencyCache`, `inputMapFallbacks` and `linkedScopes`.
extension GenerateRequest {
    mutating func readShapeAndScopes(_ fields: [String: JSONValue]) throws(ImportMapError) {
        if let combine = fields["combineSubpaths"] { options.combineSubpaths = try Self.subpathCombining(combine) }
        options.expandWildcards = try Self.strictFlag(fields["expandWildcards"], field: "expandWildcards")
        options.dependencyCache = try Self.strictFlag(fields["dependencyCache"], field: "dependencyCache")
        if let fallbacks = fields["inputMapFallbacks"] { options.inputMapFallbacks = try Self.inputMapFallbacks(fallbacks) }
        if let linked = fields["linkedScopes"] {
            options.linkedScopes = try Self.linkedScopes(try Self.object(linked, field: "linkedScopes"), base: options.mapURLs.baseUrl)
        }
    }

    /// generator.ts: `true` is `scopes`, `false` is `none`; a query's bare flag is `true`.
    private static func subpathCombining(_ value: JSONValue) throws(ImportMapError) -> SubpathCombining {
        switch value {
        case .bool(true), .string(""), .string("true"), .string("1"): return .scopes
        case .bool(false), .string("false"), .string("0"): return .none
        case .string(let text) where SubpathCombining(rawValue: text) != nil: return SubpathCombining(rawValue: text)!
        default: throw ImportMapError(.invalid, "combineSubpaths must be true, false, \"scopes\", \"both\" or \"none\", not \(value.display)")
        }
    }

    private static func inputMapFallbacks(_ value: JSONValue) throws(ImportMapError) -> InputMapFallbacks {
        switch value {
        case .string("semver-compatible"): return .semverCompatible
        case .bool(true), .string(""), .string("true"), .string("1"): return .trusted
        case .bool(false), .string("false"), .string("0"): return .ignored
        default: throw ImportMapError(.invalid, "inputMapFallbacks must be true, false or \"semver-compatible\", not \(value.display)")
        }
    }

    /// Primary scope URL → secondary scope URLs, resolved against `baseUrl` and ending in `/`, as
    /// the Generator constructor normalizes them; kept as secondary → primary.
    private static func linkedScopes(_ value: JSONValue, base: URL?) throws(ImportMapError) -> [String: String] {
        guard let groups = value.objectMembers else { throw ImportMapError(.invalid, "linkedScopes must be an object of primary scope URL: [secondary scope URLs]") }
        var primaryOf: [String: String] = [:]
        for (primary, secondaries) in groups {
            guard let list = secondaries.arrayValues, list.allSatisfy({ $0.stringValue != nil }) else {
                throw ImportMapError(.invalid, "linkedScopes: the value for '\(primary)' must be an array of scope URLs")
            }
            let resolvedPrimary = try scopeURL(primary, base: base)
            for secondary in list.compactMap(\.stringValue) {
                let resolved = try scopeURL(secondary, base: base)
                // resolveScopeGroup: the first group naming a scope wins.
                if primaryOf[resolved] == nil { primaryOf[resolved] = resolvedPrimary }
            }
        }
        return primaryOf
    }

    private static func scopeURL(_ text: String, base: URL?) throws(ImportMapError) -> String {
        guard let url = URL(string: text, relativeTo: base)?.absoluteURL, let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ImportMapError(.invalid, base == nil
                ? "linkedScopes: '\(text)' is not an absolute http(s) URL, and no baseUrl says what it is relative to"
                : "linkedScopes: '\(text)' is not an http(s) URL")
        }
        let absolute = url.absoluteString
        return absolute.hasSuffix("/") ? absolute : absolute + "/"
    }
}
