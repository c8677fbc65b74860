import Storage

/// What the Eik API shows of one file of a published version.
public struct EikFile: Codable, Sendable, Equatable {
    public var integrity: String
    public var pathname: String
    public var mimeType: String
    public var type: EikType
    public var size: Int
}

public struct EikAuthor: Codable, Sendable, Equatable {
    public var name: String
    public var user: String

    public init(name: String, user: String) {
        self.name = name
        self.user = user
    }
}

/// A published version's overview, exactly the JSON `GET /{type}/{name}/{version}` answers.
public struct EikVersion: Codable, Sendable, Equatable {
    public var integrity: String
    public var version: String
    /// Unix seconds, as the Eik server writes it.
    public var created: Int
    public var author: EikAuthor
    public var type: EikType
    public var name: String
    public var org: String
    public var files: [EikFile]
    public var meta: [String]
}

/// One entry of a package's versions list.
public struct EikVersionEntry: Codable, Sendable, Equatable {
    public var version: String
    public var integrity: String
}

/// `GET /{type}/{name}`: the highest version of each major, majors descending.
public struct EikVersionsOverview: Sendable, Equatable {
    public var type: EikType
    public var name: String
    public var latestByMajor: [(major: UInt64, entry: EikVersionEntry)]

    public static func == (a: Self, b: Self) -> Bool {
        a.type == b.type && a.name == b.name && a.latestByMajor.map(\.major) == b.latestByMajor.map(\.major)
            && a.latestByMajor.map(\.entry) == b.latestByMajor.map(\.entry)
    }
}
