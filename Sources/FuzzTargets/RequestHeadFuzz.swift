import NIOCore
import WharfServer

/// Raw request heads as the hot path reads them, before NIO's decoder: a head it takes lies inside
/// the bytes, its target and condition fields can be read out, and a prefix of a head is never
/// taken as a different head (it is incomplete, or unusual and handed to the decoder).
enum RequestHeadFuzz {
    static func run(_ bytes: [UInt8]) {
        let buffer = ByteBuffer(bytes: bytes)
        guard case .head(let head) = RequestHead.parse(buffer) else { return }
        require(head.length > 0 && head.length <= bytes.count, "a head of \(head.length) bytes in \(bytes.count)")
        let taken = buffer.getSlice(at: buffer.readerIndex, length: head.length)!
        let target = head.target(in: taken)
        require(target.readableBytes < head.length, "the target is longer than its head")
        _ = head.conditionFields(in: taken)
        // The head alone parses to the same head; any shorter prefix is not a head at all.
        guard case .head(let again) = RequestHead.parse(taken) else { return require(false, "the head alone is no longer a head") }
        require(again.length == head.length && again.isHotCandidate == head.isHotCandidate, "the head alone parses differently")
        let cut = head.length - 1 - Int(bytes[0]) % head.length
        if cut > 0, case .head(let shorter) = RequestHead.parse(buffer.getSlice(at: buffer.readerIndex, length: cut)!) {
            require(false, "a \(cut)-byte prefix of a \(head.length)-byte head parsed as a \(shorter.length)-byte head")
        }
    }
}
