import ImportMaps

/// System.register modules from jspm.io's system layer: every dependency read lies inside the
/// source, between its quotes, and is exactly the bytes there.
enum SystemRegisterFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let summary = SystemRegister.summary(of: bytes) else { return }
        for record in summary.imports {
            require(record.range.lowerBound >= 1 && record.range.upperBound < bytes.count, "range \(record.range) outside \(bytes.count) bytes")
            require(record.statementRange.lowerBound == record.range.lowerBound - 1 && record.statementRange.upperBound == record.range.upperBound + 1,
                    "the literal \(record.statementRange) does not enclose its specifier \(record.range)")
            let quote = bytes[record.statementRange.lowerBound]
            require((quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'")) && bytes[record.range.upperBound] == quote, "the specifier is not quoted")
            require(record.specifier == String(decoding: bytes[record.range], as: UTF8.self), "the specifier is not the bytes between its quotes")
        }
    }
}
