import Registry

/// JSR scope, package and version names from URLs and bodies, and the paging numbers of its lists:
/// valid names keep jsr.io's character rules, and no page number overflows.
enum JSRFuzz {
    static func run(_ bytes: [UInt8]) {
        for line in bytes.lines.prefix(16) {
            if let scope = try? JSRNames.scope(line) {
                require(scope.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }, "scope \(scope.debugDescription)")
            }
            if let name = try? JSRNames.package(line) {
                require(name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }, "package \(name.debugDescription)")
            }
            _ = try? JSRNames.version(line)
            let numbers = line.split(separator: " ").compactMap { Int($0) }
            if numbers.count >= 2, let paging = try? JSRPaging(page: numbers[0], limit: numbers[1]) {
                let page = paging.slice(Array(0..<50))
                require(page.items.count <= paging.limit && page.total == 50, "page \(numbers) of 50")
            }
        }
    }
}
