import JSON

/// JSPM Generator 2.16.3's lossless wildcard condensing (generator.ts `simplify` when
/// `expandWildcards` is false, @jspm/import-map `condenseImports`): mappings under a package's
/// identity `*` export (`pkg/modules/a.js`, `pkg/modules/b.js`) become one `pkg/modules/` mapping
/// to the folder, in `imports` and in each scope. Mappings that do not end alike stay.
enum WildcardCondenser {
    /// `prefixes` gives, for a mapping's target as written, its package's export prefixes
    /// (`./modules/`), or none.
    static func condense(map: JSONValue, prefixes: (String) -> [String]) -> JSONValue {
        guard case .object(let members) = map else { return map }
        return .object(members.map { key, value in
            switch key {
            case "imports": return (key, condensed(value, prefixes: prefixes))
            case "scopes":
                guard case .object(let scopes) = value else { return (key, value) }
                return (key, .object(scopes.map { ($0.0, condensed($0.1, prefixes: prefixes)) }))
            default: return (key, value)
            }
        })
    }

    /// One section: the specifier prefixes (`pkg/modules/`) of its packages, then `condenseImports`.
    private static func condensed(_ section: JSONValue, prefixes: (String) -> [String]) -> JSONValue {
        var mappings = (section.objectMembers ?? []).compactMap { key, target in target.stringValue.map { (key, $0) } }
        var keyPrefixes: [String] = []
        for (key, target) in mappings {
            let name = GeneratorRun.split(key).0
            for prefix in prefixes(target) where !keyPrefixes.contains(name + prefix.dropFirst()) {
                keyPrefixes.append(name + prefix.dropFirst())
            }
        }
        for prefix in keyPrefixes {
            for (key, value) in mappings where key.hasPrefix(prefix) && key != prefix {
                let tail = key.dropFirst(prefix.count)
                guard value.hasSuffix(tail) else { continue }
                // The first mapping under the prefix gives its folder (`??=`), and every mapping
                // inside that folder goes.
                if !mappings.contains(where: { $0.0 == prefix }) { mappings.append((prefix, String(value.dropLast(tail.count)))) }
                let folder = mappings.first { $0.0 == prefix }!.1
                if value.hasPrefix(folder) { mappings.removeAll { $0.0 == key } }
            }
        }
        return .object(mappings.map { ($0.0, .string($0.1)) })
    }
}
