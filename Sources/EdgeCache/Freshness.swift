/// How long entries stay fresh. Exact-version URLs never change; everything else follows the
/// upstream's Cache-Control, never below `minimumLifetime`; upstream 404s are kept `negativeLifetime`.
public struct FreshnessPolicy: Sendable {
    public var minimumLifetime: Duration
    public var negativeLifetime: Duration

    public init(minimumLifetime: Duration = .seconds(60), negativeLifetime: Duration = .seconds(60)) {
        self.minimumLifetime = minimumLifetime
        self.negativeLifetime = negativeLifetime
    }

    /// Seconds an answer stays fresh, from its Cache-Control (`s-maxage` over `max-age`).
    /// `no-store`, `no-cache` and `private` still store (offline needs the copy) but count as stale
    /// after the floor, so they are revalidated.
    public func lifetime(cacheControl: String?) -> Double {
        let directives = CacheControl(cacheControl ?? "")
        let floor = minimumLifetime / .seconds(1)
        if directives.noStore || directives.noCache || directives.isPrivate { return floor }
        let declared = directives.sharedMaxAge ?? directives.maxAge ?? 0
        return max(Double(declared), floor)
    }

    /// True for URLs that name an exact version: `pkg@1.2.3/…`, `npm:@s/p@1.0.0-rc.1/…`,
    /// and npm registry tarballs `…/-/pkg-1.2.3.tgz`.
    public static func isImmutable(_ address: CacheAddress) -> Bool {
        let path = address.path
        if address.host == "registry.npmjs.org" {
            guard let dash = path.range(of: "/-/"), path.hasSuffix(".tgz") else { return false }
            let file = path[dash.upperBound...].dropLast(4)
            var from = file.startIndex
            while let hyphen = file[from...].firstIndex(of: "-") {
                if isExactVersion(file[file.index(after: hyphen)...]) { return true }
                from = file.index(after: hyphen)
            }
            return false
        }
        var rest = path[...]
        while let at = rest.firstIndex(of: "@") {
            let after = rest[rest.index(after: at)...]
            let version = after.prefix { $0 != "/" }
            if isExactVersion(version) { return true }
            rest = after
        }
        return false
    }

    /// `MAJOR.MINOR.PATCH[-pre][+build]` without ranges or leading zeros, as in a SemVer 2.0 version.
    static func isExactVersion(_ text: Substring) -> Bool {
        var core = text
        if let plus = core.firstIndex(of: "+") {
            let build = core[core.index(after: plus)...]
            guard validIdentifiers(build, numericRule: false) else { return false }
            core = core[..<plus]
        }
        if let dash = core.firstIndex(of: "-") {
            let pre = core[core.index(after: dash)...]
            guard validIdentifiers(pre, numericRule: true) else { return false }
            core = core[..<dash]
        }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy(isNumericIdentifier)
    }

    private static func isNumericIdentifier(_ part: Substring) -> Bool {
        !part.isEmpty && part.allSatisfy(\.isASCIIDigit) && (part == "0" || part.first != "0")
    }

    private static func validIdentifiers(_ text: Substring, numericRule: Bool) -> Bool {
        let identifiers = text.split(separator: ".", omittingEmptySubsequences: false)
        return !identifiers.isEmpty && identifiers.allSatisfy { id in
            !id.isEmpty && id.allSatisfy { $0.isASCIIDigit || $0.isASCIILetter || $0 == "-" }
                && (!numericRule || !id.allSatisfy(\.isASCIIDigit) || isNumericIdentifier(id))
        }
    }
}

/// The directives of a Cache-Control header that matter to a shared cache.
struct CacheControl {
    var maxAge: Int?
    var sharedMaxAge: Int?
    var noStore = false
    var noCache = false
    var isPrivate = false

    init(_ header: String) {
        for directive in header.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingASCIIWhitespace().lowercased() }
            guard let name = parts.first else { continue }
            let value = parts.count > 1 ? Int(parts[1].trimming("\"")) : nil
            switch name {
            case "max-age": maxAge = value
            case "s-maxage": sharedMaxAge = value
            case "no-store": noStore = true
            case "no-cache": noCache = true
            case "private": isPrivate = true
            default: break
            }
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}

extension Substring {
    func trimmingASCIIWhitespace() -> Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return s
    }
}

extension String {
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let first = s.first, set.contains(first) { s.removeFirst() }
        while let last = s.last, set.contains(last) { s.removeLast() }
        return String(s)
    }
}
