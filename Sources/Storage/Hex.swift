/// Hexadecimal text for ids, hashes and percent-encoding, without per-byte String allocations
/// (ETags are built on every cache hit).
public enum Hex {
    private static let lower = Array("0123456789abcdef".utf8)
    private static let upper = Array("0123456789ABCDEF".utf8)

    /// Lowercase hex of `bytes`, two characters per byte.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            var index = 0
            for byte in bytes {
                buffer[index] = lower[Int(byte >> 4)]
                buffer[index + 1] = lower[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    /// `%XX` for one byte, as percent-encoding writes it.
    public static func percentEscape(_ byte: UInt8) -> String {
        String(decoding: [UInt8(ascii: "%"), upper[Int(byte >> 4)], upper[Int(byte & 0x0F)]], as: UTF8.self)
    }

    /// The value of one hex digit (either case), or nil.
    public static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
