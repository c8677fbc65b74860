/// The regular expressions of node-semver's `internal/re.js` (its "safe" variants, which are the
/// ones the range parser actually uses), rebuilt verbatim so range desugaring matches npm exactly.
struct NodePatterns: @unchecked Sendable {
    // Regex<AnyRegexOutput> is not declared Sendable. These values are built and warmed up
    // (compiled) once inside the thread-safe lazy initialiser of `shared`, then only read.
    let hyphenRange: Regex<AnyRegexOutput>
    let comparatorTrim: Regex<AnyRegexOutput>
    let tildeTrim: Regex<AnyRegexOutput>
    let caretTrim: Regex<AnyRegexOutput>
    let tilde: Regex<AnyRegexOutput>
    let caret: Regex<AnyRegexOutput>
    let xRange: Regex<AnyRegexOutput>
    let star: Regex<AnyRegexOutput>
    let gte0: Regex<AnyRegexOutput>
    let gte0Pre: Regex<AnyRegexOutput>
    let comparator: Regex<AnyRegexOutput>

    static let shared = NodePatterns()

    private init() {
        let letterDashNumber = "[a-zA-Z0-9-]"
        let numericIdentifier = #"0|[1-9]\d*"#
        let numericIdentifierLoose = #"\d+"#
        let nonNumericIdentifier = #"\d*[a-zA-Z-]"# + letterDashNumber + "*"
        let mainVersion = "(\(numericIdentifier))\\.(\(numericIdentifier))\\.(\(numericIdentifier))"
        let mainVersionLoose =
            "(\(numericIdentifierLoose))\\.(\(numericIdentifierLoose))\\.(\(numericIdentifierLoose))"
        let prereleaseIdentifier = "(?:\(numericIdentifier)|\(nonNumericIdentifier))"
        let prereleaseIdentifierLoose = "(?:\(numericIdentifierLoose)|\(nonNumericIdentifier))"
        let prerelease = "(?:-(\(prereleaseIdentifier)(?:\\.\(prereleaseIdentifier))*))"
        let prereleaseLoose = "(?:-?(\(prereleaseIdentifierLoose)(?:\\.\(prereleaseIdentifierLoose))*))"
        let buildIdentifier = letterDashNumber + "+"
        let build = "(?:\\+(\(buildIdentifier)(?:\\.\(buildIdentifier))*))"
        let fullPlain = "v?\(mainVersion)\(prerelease)?\(build)?"
        let loosePlain = #"[v=\s]*"# + "\(mainVersionLoose)\(prereleaseLoose)?\(build)?"
        let gtlt = "((?:<|>)?=?)"
        let xRangeIdentifier = "\(numericIdentifier)|x|X|\\*"
        let xRangePlain = #"[v=\s]*"# + "(\(xRangeIdentifier))"
            + "(?:\\.(\(xRangeIdentifier))"
            + "(?:\\.(\(xRangeIdentifier))"
            + "(?:\(prerelease))?\(build)?"
            + ")?)?"
        let loneTilde = "(?:~>?)"
        let loneCaret = "(?:\\^)"

        hyphenRange = Self.compile(#"^\s*("# + xRangePlain + #")\s+-\s+("# + xRangePlain + #")\s*$"#)
        comparatorTrim = Self.compile(#"(\s*)"# + gtlt + #"\s*("# + loosePlain + "|" + xRangePlain + ")")
        tildeTrim = Self.compile(#"(\s*)"# + loneTilde + #"\s+"#)
        caretTrim = Self.compile(#"(\s*)"# + loneCaret + #"\s+"#)
        tilde = Self.compile("^" + loneTilde + xRangePlain + "$")
        caret = Self.compile("^" + loneCaret + xRangePlain + "$")
        xRange = Self.compile("^" + gtlt + #"\s*"# + xRangePlain + "$")
        star = Self.compile(#"(<|>)?=?\s*\*"#)
        gte0 = Self.compile(#"^\s*>=\s*0\.0\.0\s*$"#)
        gte0Pre = Self.compile(#"^\s*>=\s*0\.0\.0-0\s*$"#)
        comparator = Self.compile("^" + gtlt + #"\s*("# + fullPlain + ")$|^$")

        // Force compilation now, while still inside the once-only initialiser.
        for regex in [hyphenRange, comparatorTrim, tildeTrim, caretTrim, tilde, caret, xRange,
                      star, gte0, gte0Pre, comparator] {
            _ = "1.2.3 - ^ ~ >=0.0.0 *".firstMatch(of: regex)
        }
    }

    /// Applies node-semver's `makeSafeRegex` (bounded quantifiers), then maps the JS-only
    /// character classes onto Swift Regex. Every string these patterns see has already had its
    /// whitespace collapsed to single U+0020 spaces, so `\s` can be matched as a literal space.
    private static func compile(_ source: String) -> Regex<AnyRegexOutput> {
        var value = source
        for (token, max) in [(#"\s"#, 1), (#"\d"#, 256), ("[a-zA-Z0-9-]", 250)] {
            value = value
                .replacing(token + "*", with: token + "{0,\(max)}")
                .replacing(token + "+", with: token + "{1,\(max)}")
        }
        value = value
            .replacing(#"[v=\s]"#, with: "[v= ]")
            .replacing(#"\s"#, with: "[ ]")
            .replacing(#"\d"#, with: "[0-9]")
        do {
            return try Regex(value).matchingSemantics(.unicodeScalar)
        } catch {
            fatalError("Semver: invalid built-in pattern \(value): \(error)")
        }
    }
}

/// JS `String.prototype.replace` semantics over unicode scalars (first match, or all matches).
extension Regex<AnyRegexOutput>.Match {
    /// Capture group `index`, or nil when the group did not participate (JS `undefined`).
    func group(_ index: Int, in source: String) -> String? {
        guard index < output.count, let r = output[index].range else { return nil }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: source.unicodeScalars[r])
        return String(out)
    }
}

enum JSReplace {
    static func replace(
        _ source: String,
        _ regex: Regex<AnyRegexOutput>,
        global: Bool,
        with replacement: (Regex<AnyRegexOutput>.Match) -> String
    ) -> String {
        let matches: [Regex<AnyRegexOutput>.Match]
        if global {
            matches = Array(source.matches(of: regex))
        } else if let first = source.firstMatch(of: regex) {
            matches = [first]
        } else {
            matches = []
        }
        if matches.isEmpty { return source }
        let scalars = source.unicodeScalars
        var out = String.UnicodeScalarView()
        var last = scalars.startIndex
        for match in matches {
            out.append(contentsOf: scalars[last..<match.range.lowerBound])
            out.append(contentsOf: replacement(match).unicodeScalars)
            last = match.range.upperBound
        }
        out.append(contentsOf: scalars[last...])
        return String(out)
    }
}
