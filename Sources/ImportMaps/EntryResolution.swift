/// How a subpath of a package resolves to a file.
public enum EntryResolution: Sendable, Equatable {
    /// A package-relative file path, always starting with `./` (e.g. `./dist/index.js`).
    case file(String)
    /// The package has `exports` and they do not make the subpath available under the
    /// resolver's conditions (no key matches, the target is `null`, no condition applies, or
    /// the field or target is invalid).
    case notExported
    /// The subpath is allowed but no file exists for it (or the `browser` field maps it to `false`).
    case notFound
}
