/// Turns an archive member name into a safe package-relative path, or refuses it.
///
/// Refusing (rather than silently dropping) keeps a registry from storing something other than what the author packed.
enum TarPath {
    /// The path's segments with `.` and empty segments removed.
    static func segments(_ raw: [UInt8]) throws(TarballError) -> [String] {
        guard let path = String(validating: raw, as: UTF8.self) else {
            throw .unsafePath(display(String(decoding: raw, as: UTF8.self)))
        }
        let unsafe = TarballError.unsafePath(display(path))
        for scalar in path.unicodeScalars {
            // C0 and C1 controls (NUL included), DEL, and backslash (a separator on Windows).
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\\" { throw unsafe }
        }
        if path.hasPrefix("/") { throw unsafe }
        var segments: [String] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { throw unsafe }
            segments.append(String(segment))
        }
        guard let first = segments.first else { throw unsafe }
        // A leading Windows drive (`C:`) would make the path absolute when extracted there.
        let firstBytes = Array(first.utf8)
        if firstBytes.count >= 2, firstBytes[1] == UInt8(ascii: ":"), (firstBytes[0] | 0x20) >= UInt8(ascii: "a"),
           (firstBytes[0] | 0x20) <= UInt8(ascii: "z") {
            throw unsafe
        }
        return segments
    }

    /// The path for error messages, with control characters escaped so logs and responses stay one line.
    static func display(_ path: String) -> String {
        var shown = ""
        for scalar in path.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }
}
