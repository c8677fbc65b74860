import Storage
import Registry

/// An Eik URL taken apart once: `/{type}/{name}/{rest…}` where `name` is `name`, `@scope/name` or
/// `%40scope%2Fname`, and every segment of `rest` is decoded and checked (no `..`, `.`, `\`,
/// empty segments or slashes hidden in encodings).
struct EikPath {
    let type: EikType
    let rawName: String
    let rest: [String]

    enum Tail {
        case none
        case version(String, file: String?)
        case alias(String, file: String?)
    }

    /// Parses the path after the leading `/`; nil when it is not an Eik path at all.
    static func parse(_ path: Substring) -> EikPath? {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 2, let type = EikType(rawValue: String(segments[0])) else { return nil }
        segments.removeFirst()
        guard var name = decode(segments.removeFirst()) else { return nil }
        if name.hasPrefix("@"), !name.contains("/") {
            guard !segments.isEmpty, let second = decode(segments.removeFirst()), !second.contains("/") else { return nil }
            name += "/" + second
        }
        var rest: [String] = []
        for segment in segments {
            guard let decoded = decode(segment), !decoded.isEmpty, decoded != ".", decoded != "..",
                  !decoded.contains("/"), !decoded.contains("\\") else { return nil }
            rest.append(decoded)
        }
        return EikPath(type: type, rawName: name, rest: rest)
    }

    var tail: Tail {
        guard let first = rest.first else { return .none }
        let file = rest.count > 1 ? "/" + rest.dropFirst().joined(separator: "/") : nil
        if first.hasPrefix("v"), first.count > 1, first.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) {
            return .alias(String(first.dropFirst()), file: file)
        }
        return .version(first, file: file)
    }

    /// Percent-decodes one segment; nil for malformed escapes, control bytes or invalid UTF-8.
    static func decode(_ segment: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = segment.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(Hex.value), let low = iterator.next().flatMap(Hex.value) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
