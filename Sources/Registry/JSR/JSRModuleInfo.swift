/// moduleGraph2 entry for one module, as jsr.io's `_meta.json` shows it.
///
/// Deno reads this instead of re-parsing the package's modules, so the JSON follows deno_graph's `ModuleInfo`:
/// no `dependencies` key when there are none, and dynamic imports written as `argument`/`argumentRange`.
public struct JSRModuleInfo: Sendable, Equatable, Codable {
    public struct Dependency: Sendable, Equatable, Codable {
        /// `"static"` or `"dynamic"`.
        public var type: String
        /// `"import"`, `"export"` (re-export) or `"importType"` (`import type … from`); always `"import"` when dynamic.
        public var kind: String
        public var specifier: String
        /// `[[startLine, startColumn], [endLine, endColumn]]`, 0-based, columns in UTF-16 code units as in LSP.
        /// Like deno_graph's, the range covers the string literal including its quotes.
        public var specifierRange: [[Int]]

        public init(type: String, kind: String, specifier: String, specifierRange: [[Int]]) {
            self.type = type
            self.kind = kind
            self.specifier = specifier
            self.specifierRange = specifierRange
        }

        private enum CodingKeys: String, CodingKey {
            case type, kind, specifier, specifierRange, argument, argumentRange
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decode(String.self, forKey: .type)
            kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "import"
            if type == "dynamic" {
                specifier = try container.decode(String.self, forKey: .argument)
                specifierRange = try container.decode([[Int]].self, forKey: .argumentRange)
            } else {
                specifier = try container.decode(String.self, forKey: .specifier)
                specifierRange = try container.decode([[Int]].self, forKey: .specifierRange)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            if type == "dynamic" {
                if kind != "import" { try container.encode(kind, forKey: .kind) }
                try container.encode(specifier, forKey: .argument)
                try container.encode(specifierRange, forKey: .argumentRange)
            } else {
                try container.encode(kind, forKey: .kind)
                try container.encode(specifier, forKey: .specifier)
                try container.encode(specifierRange, forKey: .specifierRange)
            }
        }
    }

    /// In source order; empty for a module without imports.
    public var dependencies: [Dependency]

    public init(dependencies: [Dependency] = []) {
        self.dependencies = dependencies
    }

    private enum CodingKeys: String, CodingKey {
        case dependencies
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dependencies = try container.decodeIfPresent([Dependency].self, forKey: .dependencies) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !dependencies.isEmpty { try container.encode(dependencies, forKey: .dependencies) }
    }
}
