import Synchronization
/// A line-by-line port of node-semver's `Range.parseRange` desugaring pipeline (hyphen → trim →
/// caret → tilde → x-range → star → `>=0.0.0`), kept textual so every quirk matches npm.
enum RangeParser {
    typealias Match = Regex<AnyRegexOutput>.Match

    /// `new Range(raw).set` — `raw` must already be whitespace-collapsed. Remembered: the same
    /// ranges come back in every package.json and request, and the regex pipeline costs ~100 µs each.
    static func parse(raw: String, includePrerelease: Bool) throws(SemverError) -> [[Comparator]] {
        let key = MemoKey(raw: raw, includePrerelease: includePrerelease)
        if let known = memo.withLock({ $0[key] }) { return try known.get() }
        let result = Result<[[Comparator]], SemverError> { () throws(SemverError) in try parseUncached(raw: raw, includePrerelease: includePrerelease) }
        memo.withLock { memo in
            if memo.count >= memoLimit { memo.removeAll(keepingCapacity: true) }
            memo[key] = result
        }
        return try result.get()
    }

    private struct MemoKey: Hashable, Sendable {
        let raw: String
        let includePrerelease: Bool
    }

    /// Distinct ranges remembered at most; past it the memo starts again (it is only a cache).
    private static let memoLimit = 8192
    private static let memo = Mutex<[MemoKey: Result<[[Comparator]], SemverError>]>([:])

    private static func parseUncached(raw: String, includePrerelease: Bool) throws(SemverError) -> [[Comparator]] {
        var sets: [[Comparator]] = []
        for part in JSString.split(raw, separator: "||") {
            let set = try parseSet(JSString.trim(part), includePrerelease: includePrerelease)
            if !set.isEmpty { sets.append(set) }
        }
        if sets.isEmpty { throw .invalidRange(raw) }
        if sets.count > 1 {
            // Drop impossible sets unless they are all impossible; `*` anywhere swallows the rest.
            let first = sets[0]
            sets = sets.filter { !$0[0].isNullSet }
            if sets.isEmpty {
                sets = [first]
            } else if sets.count > 1, let anySet = sets.first(where: { $0.count == 1 && $0[0].isAny }) {
                sets = [anySet]
            }
        }
        return sets
    }

    private static func parseSet(_ input: String, includePrerelease: Bool) throws(SemverError) -> [Comparator] {
        let patterns = NodePatterns.shared
        var range = input
        range = JSReplace.replace(range, patterns.hyphenRange, global: false) { m in
            hyphenReplace(m, in: range, includePrerelease: includePrerelease)
        }
        let afterHyphen = range
        range = JSReplace.replace(range, patterns.comparatorTrim, global: true) { m in
            (m.group(1, in: afterHyphen) ?? "") + (m.group(2, in: afterHyphen) ?? "")
                + (m.group(3, in: afterHyphen) ?? "")
        }
        let afterComparatorTrim = range
        range = JSReplace.replace(range, patterns.tildeTrim, global: true) { m in
            (m.group(1, in: afterComparatorTrim) ?? "") + "~"
        }
        let afterTildeTrim = range
        range = JSReplace.replace(range, patterns.caretTrim, global: true) { m in
            (m.group(1, in: afterTildeTrim) ?? "") + "^"
        }

        let desugared = JSString.split(range, separator: " ")
            .map { parseComparator($0, includePrerelease: includePrerelease) }
            .joined(separator: " ")
        let list = JSString.splitWhitespace(desugared)
            .map { replaceGTE0($0, includePrerelease: includePrerelease) }

        var comparators: [Comparator] = []
        for text in list {
            comparators.append(try Comparator(text))
        }
        // Same value keeps its first position (JS Map insertion order).
        var seen: Set<String> = []
        var result: [Comparator] = []
        for comp in comparators {
            if comp.isNullSet { return [comp] }
            if seen.insert(comp.description).inserted { result.append(comp) }
        }
        if result.count > 1 { result.removeAll { $0.isAny } }
        return result
    }

    private static func parseComparator(_ comp: String, includePrerelease: Bool) -> String {
        var c = JSString.splitWhitespace(JSString.trim(comp))
            .map { replaceCaret($0, includePrerelease: includePrerelease) }.joined(separator: " ")
        c = JSString.splitWhitespace(JSString.trim(c))
            .map { replaceTilde($0) }.joined(separator: " ")
        c = JSString.splitWhitespace(c)
            .map { replaceXRange($0, includePrerelease: includePrerelease) }.joined(separator: " ")
        c = JSReplace.replace(JSString.trim(c), NodePatterns.shared.star, global: false) { _ in "" }
        return c
    }

    private static func isX(_ id: String?) -> Bool {
        guard let id, !id.isEmpty else { return true }
        return id == "x" || id == "X" || id == "*"
    }

    private static let inc = JSString.increment

    // ~, ~> --> * ; ~1 --> >=1.0.0 <2.0.0-0 ; ~1.2 and ~1.2.3 --> <1.3.0-0 upper bound
    private static func replaceTilde(_ comp: String) -> String {
        JSReplace.replace(comp, NodePatterns.shared.tilde, global: false) { m in
            let M = m.group(1, in: comp), mi = m.group(2, in: comp)
            let p = m.group(3, in: comp), pr = m.group(4, in: comp)
            if isX(M) { return "" }
            let major = M!
            if isX(mi) { return ">=\(major).0.0 <\(inc(major)).0.0-0" }
            let minor = mi!
            if isX(p) { return ">=\(major).\(minor).0 <\(major).\(inc(minor)).0-0" }
            if let pr, !pr.isEmpty {
                return ">=\(major).\(minor).\(p!)-\(pr) <\(major).\(inc(minor)).0-0"
            }
            return ">=\(major).\(minor).\(p!) <\(major).\(inc(minor)).0-0"
        }
    }

    // ^ --> * ; ^1.2.3 --> >=1.2.3 <2.0.0-0 ; ^0.1.2 --> <0.2.0-0 ; ^0.0.1 --> <0.0.2-0
    private static func replaceCaret(_ comp: String, includePrerelease: Bool) -> String {
        let z = includePrerelease ? "-0" : ""
        return JSReplace.replace(comp, NodePatterns.shared.caret, global: false) { m in
            let M = m.group(1, in: comp), mi = m.group(2, in: comp)
            let p = m.group(3, in: comp), pr = m.group(4, in: comp)
            if isX(M) { return "" }
            let major = M!
            if isX(mi) { return ">=\(major).0.0\(z) <\(inc(major)).0.0-0" }
            let minor = mi!
            if isX(p) {
                if major == "0" { return ">=\(major).\(minor).0\(z) <\(major).\(inc(minor)).0-0" }
                return ">=\(major).\(minor).0\(z) <\(inc(major)).0.0-0"
            }
            let patch = p!
            if let pr, !pr.isEmpty {
                if major == "0" {
                    if minor == "0" {
                        return ">=\(major).\(minor).\(patch)-\(pr) <\(major).\(minor).\(inc(patch))-0"
                    }
                    return ">=\(major).\(minor).\(patch)-\(pr) <\(major).\(inc(minor)).0-0"
                }
                return ">=\(major).\(minor).\(patch)-\(pr) <\(inc(major)).0.0-0"
            }
            if major == "0" {
                if minor == "0" {
                    return ">=\(major).\(minor).\(patch)\(z) <\(major).\(minor).\(inc(patch))-0"
                }
                return ">=\(major).\(minor).\(patch)\(z) <\(major).\(inc(minor)).0-0"
            }
            return ">=\(major).\(minor).\(patch) <\(inc(major)).0.0-0"
        }
    }

    private static func replaceXRange(_ input: String, includePrerelease: Bool) -> String {
        let comp = JSString.trim(input)
        return JSReplace.replace(comp, NodePatterns.shared.xRange, global: false) { m in
            var gtlt = m.group(1, in: comp) ?? ""
            var M = m.group(2, in: comp) ?? ""
            var mi = m.group(3, in: comp)
            let p = m.group(4, in: comp)
            let xM = isX(M)
            let xm = xM || isX(mi)
            let xp = xm || isX(p)
            let anyX = xp
            if gtlt == "=" && anyX { gtlt = "" }
            var pr = includePrerelease ? "-0" : ""

            if xM {
                return (gtlt == ">" || gtlt == "<") ? "<0.0.0-0" : "*"
            } else if !gtlt.isEmpty && anyX {
                if xm { mi = "0" }
                var patch = "0"
                if gtlt == ">" {
                    gtlt = ">="
                    if xm {
                        M = inc(M)
                        mi = "0"
                        patch = "0"
                    } else {
                        mi = inc(mi!)
                        patch = "0"
                    }
                } else if gtlt == "<=" {
                    gtlt = "<"
                    if xm { M = inc(M) } else { mi = inc(mi!) }
                }
                if gtlt == "<" { pr = "-0" }
                return "\(gtlt)\(M).\(mi!).\(patch)\(pr)"
            } else if xm {
                return ">=\(M).0.0\(pr) <\(inc(M)).0.0-0"
            } else if xp {
                return ">=\(M).\(mi!).0\(pr) <\(M).\(inc(mi!)).0-0"
            }
            return comp
        }
    }

    private static func replaceGTE0(_ comp: String, includePrerelease: Bool) -> String {
        let patterns = NodePatterns.shared
        return JSReplace.replace(
            JSString.trim(comp), includePrerelease ? patterns.gte0Pre : patterns.gte0, global: false
        ) { _ in "" }
    }

    // 1.2 - 3.4.5 => >=1.2.0 <=3.4.5 ; 1.2.3 - 3.4 => >=1.2.3 <3.5.0-0
    private static func hyphenReplace(_ m: Match, in source: String, includePrerelease incPr: Bool) -> String {
        let from = m.group(1, in: source) ?? ""
        let fM = m.group(2, in: source), fm = m.group(3, in: source)
        let fp = m.group(4, in: source), fpr = m.group(5, in: source)
        let to = m.group(7, in: source) ?? ""
        let tM = m.group(8, in: source), tm = m.group(9, in: source)
        let tp = m.group(10, in: source), tpr = m.group(11, in: source)
        let z = incPr ? "-0" : ""

        let lower: String
        if isX(fM) {
            lower = ""
        } else if isX(fm) {
            lower = ">=\(fM!).0.0\(z)"
        } else if isX(fp) {
            lower = ">=\(fM!).\(fm!).0\(z)"
        } else if let fpr, !fpr.isEmpty {
            lower = ">=\(from)"
        } else {
            lower = ">=\(from)\(z)"
        }

        let upper: String
        if isX(tM) {
            upper = ""
        } else if isX(tm) {
            upper = "<\(inc(tM!)).0.0-0"
        } else if isX(tp) {
            upper = "<\(tM!).\(inc(tm!)).0-0"
        } else if let tpr, !tpr.isEmpty {
            upper = "<=\(tM!).\(tm!).\(tp!)-\(tpr)"
        } else if incPr {
            upper = "<\(tM!).\(tm!).\(inc(tp!))-0"
        } else {
            upper = "<=\(to)"
        }
        return JSString.trim("\(lower) \(upper)")
    }
}
