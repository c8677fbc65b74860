import ModuleLexer

/// The dependencies of a System.register module (jspm.io's `system` layer): the string literals
/// of the array `System.register([...], …)` starts with, optionally after a module name.
/// Dynamic `module.import(…)` calls are not read, so such a module has no dynamic edges.
public enum SystemRegister {
    public static func summary(of bytes: [UInt8]) -> ModuleSummary? {
        let call = Array("System.register(".utf8)
        guard let start = firstIndex(of: call, in: bytes) else { return nil }
        var index = start + call.count
        var records: [ImportRecord] = []
        skipSpace(bytes, &index)
        // An optional module name: `System.register("name", [...], …)`.
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
            guard readString(bytes, &index) != nil else { return nil }
            skipSpace(bytes, &index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
            skipSpace(bytes, &index)
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return nil }
        index += 1
        while true {
            skipSpace(bytes, &index)
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "]") { break }
            let begin = index
            guard let specifier = readString(bytes, &index) else { return nil }
            records.append(ImportRecord(kind: .staticImport, specifier: specifier, range: (begin + 1)..<(index - 1), statementRange: begin..<index))
            skipSpace(bytes, &index)
            if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1 }
        }
        return ModuleSummary(imports: records, exports: [], hasModuleSyntax: false)
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] && Array(bytes[start..<(start + needle.count)]) == needle {
            return start
        }
        return nil
    }

    private static func skipSpace(_ bytes: [UInt8], _ index: inout Int) {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    /// A quoted literal without escapes (build output writes specifiers plainly); nil otherwise.
    private static func readString(_ bytes: [UInt8], _ index: inout Int) -> String? {
        let quote = bytes[index]
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        var end = index + 1
        while end < bytes.count, bytes[end] != quote {
            if bytes[end] == UInt8(ascii: "\\") || bytes[end] == 0x0A { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        let text = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
        index = end + 1
        return text
    }
}
