import EdgeCache

/// An origin's answer as the edge cache's client reads it (NIO's decoder, then
/// `UpstreamConnection`), in two reads split where the input says: every answer ends once the
/// connection closes, as a failure or as a response whose body ended or failed, with no byte
/// invented; a well-formed 200 made of the input as its body arrives whole, however it is split.
enum UpstreamResponseFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let input = Array(bytes.dropFirst())
        let cut = input.isEmpty ? 0 : Int(first) % (input.count + 1)
        let outcome = UpstreamResponseReplay.replay([Array(input[..<cut]), Array(input[cut...])], isHEAD: first & 0x80 != 0 && first & 0x40 != 0)
        switch outcome {
        case .pending: require(false, "an answer still waits after its connection closed")
        case .failed: break
        case .response(let status, let bodyBytes, _):
            require(status >= 200 && status <= 999, "status \(status) handed out")
            require(bodyBytes <= input.count, "\(bodyBytes) body bytes from \(input.count) input bytes")
        }

        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: \(input.count)\r\nContent-Type: text/javascript\r\n\r\n".utf8)
        let answer = head + input
        let split = Int(first) % (answer.count + 1)
        let wellFormed = UpstreamResponseReplay.replay([Array(answer[..<split]), Array(answer[split...])])
        require(wellFormed == .response(status: 200, bodyBytes: input.count, ended: true), "a well-formed 200 of \(input.count) bytes split at \(split) gave \(wellFormed)")
    }
}
