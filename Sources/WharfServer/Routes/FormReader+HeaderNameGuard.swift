import NIOCore

extension FormReader {
    /// Walks a multipart body through the states multipart-kit 4.7.1's parser goes through, byte
    /// for byte, and refuses a byte over 0x7F in a part's headers: that parser indexes a 128-entry
    /// table with a header name's bytes and traps, so one such byte would bring the server down
    /// (found by the multipart fuzz target). Mirroring its states, not guessing at the grammar, is
    /// what closes every way past: three guessed guards were each passed by the fuzzer. Non-ASCII
    /// file names must be percent- or RFC 2231-encoded, then.
    struct HeaderNameGuard {
        private enum State {
            /// Matching `--boundary` (a leading CRLF optional), as the parser's preamble does.
            case preamble(matched: Int)
            /// The CRLF after a delimiter; `sawCR` once its CR is read.
            case preHeaders(sawCR: Bool)
            case headerName(empty: Bool)
            case headerValue
            /// After a header value's CR: its LF.
            case headerLineEnd
            /// After the empty line's CR: its LF, then the body.
            case headersEnd
            case body
            /// Matching `\r\n--boundary` inside a body.
            case delimiter(matched: Int)
            /// Past the closing delimiter, or where the parser throws and stops: nothing more reaches it.
            case done
        }

        private let delimiter: [UInt8]
        private var state = State.preamble(matched: 0)

        init(boundary: String) {
            delimiter = Array("\r\n--\(boundary)".utf8)
        }

        private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

        /// False when a part's headers hold a non-ASCII byte.
        mutating func scan(_ bytes: ByteBufferView) -> Bool {
            for byte in bytes {
                switch state {
                case .preamble(let matched):
                    var next = 0
                    if matched == 0, byte == delimiter[2] { next = 3 }
                    else if byte == delimiter[matched] { next = matched + 1 }
                    else if matched > 0, byte == delimiter[0] { next = 1 }
                    state = next >= delimiter.count ? .preHeaders(sawCR: false) : .preamble(matched: next)
                case .preHeaders(let sawCR):
                    if !sawCR, byte == Self.cr { state = .preHeaders(sawCR: true) }
                    else if sawCR, byte == Self.lf { state = .headerName(empty: true) }
                    else { state = .done }
                case .headerName(let empty):
                    if byte >= 0x80 { return false }
                    if byte == UInt8(ascii: ":"), !empty { state = .headerValue }
                    else if byte == Self.cr, empty { state = .headersEnd }
                    else { state = .headerName(empty: false) }
                case .headerValue:
                    // The parser takes any value byte; Wharf's part headers are ASCII all the same.
                    if byte >= 0x80 { return false }
                    if byte == Self.cr { state = .headerLineEnd }
                case .headerLineEnd:
                    state = byte == Self.lf ? .headerName(empty: true) : .done
                case .headersEnd:
                    state = byte == Self.lf ? .body : .done
                case .body:
                    if byte == Self.cr { state = .delimiter(matched: 1) }
                case .delimiter(let matched):
                    if matched >= delimiter.count {
                        state = byte == Self.cr ? .preHeaders(sawCR: true) : .done
                    } else if byte == delimiter[matched] {
                        state = .delimiter(matched: matched + 1)
                    } else {
                        state = byte == Self.cr ? .delimiter(matched: 1) : .body
                    }
                case .done:
                    return true
                }
            }
            return true
        }
    }
}
