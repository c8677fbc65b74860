/// Size bounds on a JSR package, checked on its unpacked files before anything is stored.
///
/// jsr.io allows 20 MB for one file and for the package; Wharf keeps single files smaller by default.
public struct JSRLimits: Sendable, Equatable {
    /// Largest single file, in bytes (default 4 MiB) → `fileTooLarge`.
    public var maxFileSize: Int
    /// Largest total of all files, in bytes (default 20 MiB) → `packageTooLarge`.
    public var maxPackageSize: Int
    /// Most files in one package (default 10 000) → `packageTooLarge`.
    public var maxFiles: Int

    public init(maxFileSize: Int = 4 << 20, maxPackageSize: Int = 20 << 20, maxFiles: Int = 10_000) {
        self.maxFileSize = maxFileSize
        self.maxPackageSize = maxPackageSize
        self.maxFiles = maxFiles
    }
}
