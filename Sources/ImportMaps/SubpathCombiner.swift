import JSON

/// @jspm/import-map's `combineSubpaths` (which JSPM Generator 2.16.3's `getMap` applies unless
/// `combineSubpaths` is `none`): within each scope (and with `both`, in `imports`), mappings whose
/// specifier tail equals their target's tail (`kit/a.js → …/kit@1/a.js`, `kit/b.js → …/kit@1/b.js`)
/// fold greedily into one `kit/ → …/kit@1/` once two agree.
enum SubpathCombiner {
    /// The map with the sections `sections` names combined; the order of a section's keys is the
    /// order JSPM inserts them.
    static func combine(map: JSONValue, urls: MapURLs, sections: SubpathCombining = .scopes) -> JSONValue {
        guard sections != .none, case .object(let members) = map else { return map }
        return .object(members.map { key, value in
            if key == "imports", sections == .both { return (key, combined(value, urls: urls)) }
            guard key == "scopes", case .object(let scopes) = value else { return (key, value) }
            return (key, .object(scopes.map { scope, entries in (scope, combined(entries, urls: urls)) }))
        })
    }

    private static func combined(_ entries: JSONValue, urls: MapURLs) -> JSONValue {
        let pairs = (entries.objectMembers ?? []).compactMap { name, target in target.stringValue.map { (name, $0) } }
        return .object(combine(pairs, urls: urls).map { ($0.0, .string($0.1)) })
    }

    /// One scope's mappings, in the order given (JSPM sorts them first).
    static func combine(_ mappings: [(String, String)], urls: MapURLs) -> [(String, String)] {
        var out = OrderedMappings()
        for (specifier, target) in mappings {
            // Already served by a trailing-slash mapping with the same tail: nothing to add.
            if let match = out.match(specifier), let base = out[match],
               specifier.dropFirst(match.count) == urls.resolve(target).dropFirst(urls.resolve(base).count) {
                continue
            }
            var based = false
            let targetParts = target.split(separator: "/", omittingEmptySubsequences: false)
            let parts = specifier.split(separator: "/", omittingEmptySubsequences: false)
            var j = parts.count - 1
            while j > 0 {
                let tailCount = parts.count - j
                let tail = parts[j...].joined(separator: "/")
                if tail != slice(targetParts, from: targetParts.count - tailCount).joined(separator: "/") {
                    out[specifier] = target
                    break
                }
                let base = parts[..<j].joined(separator: "/") + "/"
                if out[base] != nil {
                    j -= 1
                    continue
                }
                let baseTarget = slice(targetParts, from: 0, to: targetParts.count - tailCount).joined(separator: "/") + "/"
                // The new base replaces the mappings it serves alike; without one it is not made.
                let resolvedBase = urls.resolve(baseTarget)
                for (other, otherTarget) in out.pairs where other.hasPrefix(base)
                    && other.dropFirst(base.count) == urls.resolve(otherTarget).dropFirst(resolvedBase.count) {
                    based = true
                    out.remove(other)
                }
                if based {
                    out[base] = baseTarget
                    break
                }
                j -= 1
            }
            if !based { out[specifier] = target }
        }
        return out.pairs
    }

    /// JavaScript's `Array.prototype.slice`: negative bounds count from the end.
    private static func slice(_ parts: [Substring], from start: Int, to end: Int? = nil) -> ArraySlice<Substring> {
        let clamp = { (index: Int) in index < 0 ? max(parts.count + index, 0) : min(index, parts.count) }
        let lower = clamp(start), upper = clamp(end ?? parts.count)
        return lower < upper ? parts[lower..<upper] : []
    }

    /// A JavaScript object's string keys: insertion order, assignment keeps a key's place.
    private struct OrderedMappings {
        private(set) var pairs: [(String, String)] = []

        subscript(key: String) -> String? {
            get { pairs.first { $0.0 == key }?.1 }
            set {
                if let index = pairs.firstIndex(where: { $0.0 == key }) {
                    if let newValue { pairs[index].1 = newValue } else { pairs.remove(at: index) }
                } else if let newValue {
                    pairs.append((key, newValue))
                }
            }
        }

        mutating func remove(_ key: String) { self[key] = nil }

        /// import-map `getMapMatch`: the key itself, else the longest trailing-slash (or `*`) key it starts with.
        func match(_ specifier: String) -> String? {
            if self[specifier] != nil { return specifier }
            var best: String?
            for (key, _) in pairs where key.hasSuffix("/") || key.hasSuffix("*") {
                let prefix = key.hasSuffix("*") ? String(key.dropLast()) : key
                if specifier.hasPrefix(prefix), key.count > (best?.count ?? -1) { best = key }
            }
            return best
        }
    }
}
