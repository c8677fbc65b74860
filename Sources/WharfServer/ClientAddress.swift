import Foundation
import Glibc
import HTTPTypes
import NIOCore

/// An IPv4 or IPv6 network (`10.0.0.0/8`, `::1`, `fd00::/8`), for `[server] trusted_proxies`.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    let bytes: [UInt8]
    let prefixLength: Int
    public var description: String

    /// Nil for anything that is not an address with an optional `/prefix`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = Self.parse(first) else { return nil }
        let maximum = bytes.count * 8
        let length = parts.count == 2 ? Int(parts[1]) : maximum
        guard let length, (0...maximum).contains(length) else { return nil }
        self.bytes = bytes
        self.prefixLength = length
        self.description = text
    }

    func contains(_ address: String) -> Bool {
        guard let other = Self.parse(address), other.count == bytes.count else { return false }
        var left = prefixLength
        for (a, b) in zip(bytes, other) where left > 0 {
            let bits = min(8, left)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if a & mask != b & mask { return false }
            left -= bits
        }
        return true
    }

    /// The 4 or 16 bytes of a textual address (an IPv4-mapped IPv6 address counts as IPv4).
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }
}

/// Who a request comes from: the connection's peer, or, when that peer is a trusted proxy, the
/// last address in `X-Forwarded-For` that is not one (the one the nearest untrusted hop added).
enum ClientAddress {
    static func of(_ headers: HTTPFields, peer: SocketAddress?, trusted: [IPNetwork]) -> String {
        let direct = peer?.ipAddress ?? "unknown"
        guard trusted.contains(where: { $0.contains(direct) }) else { return direct }
        let hops = headers[values: HTTPField.Name.xForwardedFor].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !trusted.contains(where: { $0.contains(hop) }) {
            // A hop that is not an address is a forgery or a mistake: count it as the proxy's.
            return IPNetwork.parse(hop) != nil ? hop : direct
        }
        return hops.first ?? direct
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
