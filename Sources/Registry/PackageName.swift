/// An npm package name, validated as npm's validate-npm-package-name does for new packages:
/// lowercase, at most 214 characters, URL-safe, `@scope/name` or `name`, no leading `.` or `_`.
public struct PackageName: Sendable, Hashable, CustomStringConvertible {
    public let value: String
    public var description: String { value }

    public init(_ raw: String) throws(RegistryError) {
        func refuse(_ why: String) -> RegistryError { RegistryError(.invalid, "invalid package name '\(raw)': \(why)") }
        guard !raw.isEmpty else { throw refuse("empty") }
        guard raw.utf8.count <= 214 else { throw refuse("longer than 214 characters") }
        guard raw == raw.trimmingSpaces else { throw refuse("leading or trailing spaces") }
        guard raw.lowercased() == raw else { throw refuse("uppercase letters") }
        let parts: [Substring]
        if raw.hasPrefix("@") {
            parts = raw.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw refuse("a scoped name is @scope/name") }
        } else {
            parts = [Substring(raw)]
            guard !raw.contains("/") else { throw refuse("only scoped names contain '/'") }
        }
        for part in parts {
            guard !part.isEmpty else { throw refuse("empty scope or name") }
            guard part.first != ".", part.first != "_" else { throw refuse("starts with '.' or '_'") }
            guard part.allSatisfy(Self.isURLSafe) else { throw refuse("characters outside a-z 0-9 - . _ ~") }
        }
        if ["node_modules", "favicon.ico"].contains(raw) { throw refuse("reserved name") }
        value = raw
    }

    private static func isURLSafe(_ c: Character) -> Bool {
        c.isASCII && (c.isLowercase || c.isNumber || "-._~".contains(c))
    }
}

extension String {
    /// The string without leading and trailing whitespace.
    public var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
