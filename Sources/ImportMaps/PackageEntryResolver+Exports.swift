import JSON
/// Node's PACKAGE_IMPORTS_EXPORTS_RESOLVE and PACKAGE_TARGET_RESOLVE.
extension PackageEntryResolver {
    /// What resolving a target gave, mirroring Node's return values and errors.
    enum TargetOutcome: Sendable, Equatable {
        /// A `./` path (or, in `imports`, a bare specifier) with any `*` match substituted.
        case resolved(String)
        /// `null`: explicitly not available (Node returns null).
        case excluded
        /// No condition applied (Node returns undefined): the enclosing condition walk goes on.
        case unmatched
        /// ERR_INVALID_PACKAGE_TARGET: skipped inside arrays, fatal elsewhere.
        case invalidTarget
        /// ERR_INVALID_PACKAGE_CONFIG / ERR_INVALID_MODULE_SPECIFIER: always fatal.
        case invalid
    }

    /// What replaces the key's wildcard in a target.
    enum Substitution: Sendable, Equatable {
        /// The text a `*` key matched; replaces every `*` in the target.
        case pattern(String)
        /// The rest of the subpath after a trailing-slash folder key; appended to the target.
        case folder(String)

        var text: String {
            switch self {
            case .pattern(let text), .folder(let text): text
            }
        }
    }

    /// `exports` as a subpath map: a string, an array or an object of conditions (no key starting
    /// with `.`) is sugar for `{".": exports}`. `nil` when subpath and condition keys are mixed.
    static func exportsMap(_ exports: JSONValue) -> [(String, JSONValue)]? {
        switch exports {
        case .string, .array:
            return [(".", exports)]
        case .object(let members):
            let members = jsMembers(members)
            let conditional = members.map { $0.0.isEmpty || !$0.0.hasPrefix(".") }
            if conditional.allSatisfy({ $0 }) { return members.isEmpty ? [] : [(".", exports)] }
            return conditional.contains(true) ? nil : members
        default:
            return []   // booleans and numbers export nothing
        }
    }

    /// Object members as JavaScript sees a parsed object: a repeated key keeps its first position
    /// and takes its last value.
    static func jsMembers(_ members: [(String, JSONValue)]) -> [(String, JSONValue)] {
        var seen: [String: Int] = [:]
        var result: [(String, JSONValue)] = []
        for (key, value) in members {
            if let index = seen[key] {
                result[index].1 = value
            } else {
                seen[key] = result.count
                result.append((key, value))
            }
        }
        return result
    }

    /// PACKAGE_IMPORTS_EXPORTS_RESOLVE: an exact key, else the best `*` pattern or folder key.
    func resolveMatch(_ matchKey: String, in map: [(String, JSONValue)], isImports: Bool) -> TargetOutcome {
        if !matchKey.contains("*"), !matchKey.hasSuffix("/"), let exact = map.first(where: { $0.0 == matchKey }) {
            return resolveTarget(exact.1, substitution: nil, isImports: isImports)
        }
        var best: (key: String, value: JSONValue, substitution: Substitution)?
        for (key, value) in map {
            let candidate: Substitution
            if let star = key.firstIndex(of: "*") {
                let base = key[..<star], trailer = key[key.index(after: star)...]
                guard key.lastIndex(of: "*") == star, matchKey.hasPrefix(base), matchKey.hasSuffix(trailer),
                      matchKey.utf8.count >= key.utf8.count
                else { continue }
                let start = base.utf8.count, end = matchKey.utf8.count - trailer.utf8.count
                candidate = .pattern(String(decoding: Array(matchKey.utf8)[start..<end], as: UTF8.self))
            } else if key.hasSuffix("/"), matchKey.hasPrefix(key), matchKey.utf8.count > key.utf8.count {
                candidate = .folder(String(matchKey.dropFirst(key.count)))
            } else {
                continue
            }
            if best == nil || Self.patternKeyCompare(best!.key, key) > 0 {
                best = (key, value, candidate)
            }
        }
        guard let best else { return .unmatched }
        return resolveTarget(best.value, substitution: best.substitution, isImports: isImports)
    }

    /// Node's PATTERN_KEY_COMPARE: positive when `b` should be preferred over `a` — the longer
    /// part up to and including the `*` first, then a pattern over a plain key, then the longer key.
    static func patternKeyCompare(_ a: String, _ b: String) -> Int {
        let aStar = a.firstIndex(of: "*").map { a.utf8.distance(from: a.startIndex, to: $0) }
        let bStar = b.firstIndex(of: "*").map { b.utf8.distance(from: b.startIndex, to: $0) }
        let aBase = aStar.map { $0 + 1 } ?? a.utf8.count
        let bBase = bStar.map { $0 + 1 } ?? b.utf8.count
        if aBase > bBase { return -1 }
        if bBase > aBase { return 1 }
        if aStar == nil { return 1 }
        if bStar == nil { return -1 }
        if a.utf8.count > b.utf8.count { return -1 }
        if b.utf8.count > a.utf8.count { return 1 }
        return 0
    }

    /// PACKAGE_TARGET_RESOLVE.
    func resolveTarget(_ target: JSONValue, substitution: Substitution?, isImports: Bool) -> TargetOutcome {
        switch target {
        case .string(let target):
            return resolveTargetString(target, substitution: substitution, isImports: isImports)
        case .object(let members):
            let members = Self.jsMembers(members)
            // Node: "exports" cannot contain numeric property keys.
            if members.contains(where: { PackagePathText.isArrayIndex($0.0) }) { return .invalid }
            for (condition, value) in members where conditions.contains(condition) {
                let outcome = resolveTarget(value, substitution: substitution, isImports: isImports)
                if outcome == .unmatched { continue }
                return outcome
            }
            return .unmatched
        case .array(let alternatives):
            if alternatives.isEmpty { return .excluded }
            var last = TargetOutcome.unmatched
            for alternative in alternatives {
                switch resolveTarget(alternative, substitution: substitution, isImports: isImports) {
                case .resolved(let resolved): return .resolved(resolved)
                case .invalid: return .invalid
                case .invalidTarget: last = .invalidTarget
                case .excluded: last = .excluded
                case .unmatched: continue
                }
            }
            return last
        case .null:
            return .excluded
        case .bool, .number:
            return .invalidTarget
        }
    }

    func resolveTargetString(_ target: String, substitution: Substitution?, isImports: Bool) -> TargetOutcome {
        if case .folder = substitution, !target.hasSuffix("/") { return .invalidTarget }
        func substituted(_ target: String) -> String {
            switch substitution {
            case nil: target
            case .pattern(let match): PackagePathText.replacingStars(in: target, with: match)
            case .folder(let rest): target + rest
            }
        }
        guard target.hasPrefix("./") else {
            // Only `imports` may map to another package, by a bare specifier (not a URL or path).
            if isImports, !target.hasPrefix("../"), !target.hasPrefix("/"), !PackagePathText.hasURLScheme(target) {
                return .resolved(substituted(target))
            }
            return .invalidTarget
        }
        if PackagePathText.hasInvalidSegment(target.dropFirst(2)) { return .invalidTarget }
        if let substitution, PackagePathText.hasInvalidSegment(Substring(substitution.text)) { return .invalid }
        return .resolved(substituted(target))
    }
}
