/// The three kinds of things an Eik server keeps; the first path segment of every Eik URL.
public enum EikType: String, Sendable, CaseIterable, Codable {
    case pkg, npm, map
}
