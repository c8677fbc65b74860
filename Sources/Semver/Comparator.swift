/// One primitive constraint such as `>=1.2.3` or `<2.0.0-0`; a desugared range is an OR of
/// AND-ed comparator lists, exactly as node-semver's `Range.set`.
public struct Comparator: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable {
        case lessThan = "<"
        case lessThanOrEqual = "<="
        case greaterThan = ">"
        case greaterThanOrEqual = ">="
        /// node-semver writes equality as an empty operator (`=1.2.3` is stored as `1.2.3`).
        case equal = ""
    }

    public let op: Operator
    /// nil means "any version" (node-semver's `Comparator.ANY`, written as the empty string).
    public let version: Version?

    public init(_ op: Operator, _ version: Version?) {
        self.op = version == nil ? .equal : op
        self.version = version
    }

    /// The comparator matching every version (`*`).
    public static let any = Comparator(.equal, nil)

    /// Parses a single comparator in node-semver's strict `COMPARATOR` syntax (`>=1.2.3`, `1.2.3`,
    /// or the empty string for "any"); x-ranges, `^` and `~` belong to `Range`.
    public init(_ string: String) throws(SemverError) {
        let comp = JSString.collapseWhitespace(string)
        guard let match = comp.firstMatch(of: NodePatterns.shared.comparator) else {
            throw .invalidComparator(comp)
        }
        let opText = match.group(1, in: comp) ?? ""
        guard let versionText = match.group(2, in: comp), !versionText.isEmpty else {
            self = .any
            return
        }
        guard let version = Version.parseNode(versionText) else {
            throw .invalidVersion(versionText)
        }
        let op: Operator = opText == "=" ? .equal : (Operator(rawValue: opText) ?? .equal)
        self.init(op, version)
    }

    /// node-semver's `Comparator.value`: operator + version without build, `""` for any.
    public var description: String {
        guard let version else { return "" }
        return op.rawValue + version.normalized
    }

    /// Whether `version` passes this single comparator (no prerelease filtering here).
    public func test(_ candidate: Version) -> Bool {
        guard let version else { return true }
        let c = candidate.compare(to: version)
        switch op {
        case .equal: return c == 0
        case .lessThan: return c < 0
        case .lessThanOrEqual: return c <= 0
        case .greaterThan: return c > 0
        case .greaterThanOrEqual: return c >= 0
        }
    }

    var isAny: Bool { version == nil }
    /// `<0.0.0-0`: matches nothing; node-semver uses it for impossible x-ranges like `>*`.
    var isNullSet: Bool { description == "<0.0.0-0" }
}
