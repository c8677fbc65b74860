import EdgeCache
import Foundation

/// `If-None-Match` against a strong ETag: `*`, or any listed tag (weak comparison, as RFC 9110 asks).
enum ETagMatch {
    static func matches(_ header: String, etag: String) -> Bool {
        let bare = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
        return header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == bare || tag == "W/" + bare
        }
    }
}

/// `If-Modified-Since` against a `Last-Modified`: true when the file has not changed since (both
/// must be IMF-fixdates; an unreadable date is ignored, as RFC 9110 asks).
enum NotModifiedSince {
    static func holds(_ header: String, lastModified: String) -> Bool {
        guard let since = HTTPDate.parse(header), let modified = HTTPDate.parse(lastModified) else { return false }
        return modified <= since
    }
}

/// A single `bytes=` range of RFC 9110; several ranges are answered with the whole file.
enum ByteRange: Equatable {
    case satisfiable(Range<Int>)
    case unsatisfiable
    case ignored

    static func parse(_ header: String, size: Int) -> ByteRange {
        let header = header.trimmingCharacters(in: .whitespaces)
        guard header.lowercased().hasPrefix("bytes=") else { return .ignored }
        let spec = header.dropFirst(6)
        guard !spec.contains(",") else { return .ignored }
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return .ignored }
        if parts[0].isEmpty {
            guard let suffix = Int(parts[1]), suffix >= 0 else { return .ignored }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .satisfiable(max(0, size - suffix)..<size)
        }
        guard let start = Int(parts[0]), start >= 0 else { return .ignored }
        guard start < size else { return .unsatisfiable }
        if parts[1].isEmpty { return .satisfiable(start..<size) }
        guard let end = Int(parts[1]), end >= start else { return .ignored }
        // `end` may be Int.max: compare before adding one.
        return .satisfiable(start..<(end >= size - 1 ? size : end + 1))
    }
}
