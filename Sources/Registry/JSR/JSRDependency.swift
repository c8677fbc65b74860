import Semver

/// A dependency found in a module: `jsr:@scope/name@constraint/path` or `npm:name@constraint/path`.
///
/// Recorded per published version, as jsr.io does, so dependents and dependencies can be listed without re-parsing.
public struct JSRDependency: Sendable, Equatable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case jsr, npm }
    public var kind: Kind
    /// `@std/fmt`, `preact`, `@types/node`.
    public var name: String
    /// `^1.2.0`, `1`, `*`: always present, since a publish without one is refused.
    public var constraint: String
    /// `""` or a sub path such as `/sub/path.ts`.
    public var path: String

    public init(kind: Kind, name: String, constraint: String, path: String = "") {
        self.kind = kind
        self.name = name
        self.constraint = constraint
        self.path = path
    }

    /// The specifier it was read from, normalised: `jsr:@std/fmt@^1/colors`.
    public var specifier: String { "\(kind.rawValue):\(name)@\(constraint)\(path)" }

    /// Parses a `jsr:` or `npm:` specifier; nil for any other kind of specifier.
    static func parse(_ specifier: String) throws(JSRTaskError) -> JSRDependency? {
        let kind: Kind
        if specifier.hasPrefix("jsr:") {
            kind = .jsr
        } else if specifier.hasPrefix("npm:") {
            kind = .npm
        } else {
            return nil
        }
        func invalid(_ why: String) -> JSRTaskError {
            JSRTaskError(kind == .jsr ? "invalidJsrSpecifier" : "invalidNpmSpecifier",
                         "invalid '\(kind.rawValue):' specifier '\(specifier)': \(why)")
        }

        var rest = specifier.dropFirst(4)
        if rest.hasPrefix("/") { rest = rest.dropFirst() }
        // The name runs to the `@` before the constraint, or to the sub path; a scope's `@` and `/` are part of it.
        var nameStart = rest.startIndex
        if rest.hasPrefix("@") {
            guard let slash = rest.firstIndex(of: "/") else { throw invalid("a scoped name is @scope/name") }
            nameStart = rest.index(after: slash)
        }
        let nameEnd = rest[nameStart...].firstIndex { $0 == "@" || $0 == "/" } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        if let why = kind == .jsr ? Self.jsrNameProblem(name) : Self.npmNameProblem(name) {
            throw invalid(why)
        }

        rest = rest[nameEnd...]
        guard rest.hasPrefix("@") else {
            throw JSRTaskError("missingConstraint", "specifier '\(specifier)' is missing a version constraint")
        }
        rest = rest.dropFirst()
        let constraintEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let constraint = String(rest[..<constraintEnd])
        guard !constraint.isEmpty else { throw invalid("the version constraint after '@' is empty") }
        do {
            _ = try Semver.Range(constraint)
        } catch {
            throw invalid("'\(constraint)' is not a valid version constraint")
        }
        let path = rest[constraintEnd...] == "/" ? "" : String(rest[constraintEnd...])
        return JSRDependency(kind: kind, name: name, constraint: constraint, path: path)
    }

    /// jsr.io's rules: `@scope/name`, each lowercase letters and digits in single-hyphen runs, scope 2–20, name 2–58.
    private static func jsrNameProblem(_ name: String) -> String? {
        guard name.hasPrefix("@") else { return "a JSR package name is @scope/name" }
        let parts = name.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "a JSR package name is @scope/name" }
        let (scope, package) = (String(parts[0]), String(parts[1]))
        guard JSRNames.isName(scope), (2...20).contains(scope.count) else {
            return "invalid scope '\(scope)': 2–20 characters of a-z, 0-9 and single hyphens, not starting or ending with a hyphen"
        }
        guard JSRNames.isName(package), (2...58).contains(package.count) else {
            return "invalid package name '\(package)': 2–58 characters of a-z, 0-9 and single hyphens, not starting or ending with a hyphen"
        }
        return nil
    }

    /// npm's rules for new package names (lowercase, URL-safe, at most 214 characters, `@scope/name` or `name`).
    private static func npmNameProblem(_ name: String) -> String? {
        do {
            _ = try PackageName(name)
            return nil
        } catch {
            return error.message
        }
    }
}
