import NIOCore
import WharfServer

/// Multipart bodies as `/auth/login` and the Eik routes read them: split at the input's own
/// choice of places, a body is accepted or refused with a 4xx, and what is kept stays in bounds.
enum MultipartFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let reader = FormReader(limits: ["key": 64, "package": 4096])
        let accumulator = FormReader.MultipartAccumulator(reader: reader, boundary: "b" + String(first % 8))
        var rest = ByteBuffer(bytes: bytes.dropFirst())
        let step = Int(first % 61) + 1
        do {
            while rest.readableBytes > 0, let piece = rest.readSlice(length: min(step, rest.readableBytes)) {
                try accumulator.feed(piece)
            }
        } catch {
            require((400..<500).contains(error.status.code), "refused with \(error.status)")
            return
        }
        for (name, value) in accumulator.fields.values {
            require(value.count <= reader.limits[name] ?? 0, "field \(name) kept \(value.count) bytes over its limit")
        }
    }
}
