import EdgeCache
import Foundation

/// Parsers for the human-friendly sizes and durations of proxy.conf.
enum Quantities {
    /// Bounds that keep every later conversion (to Int, to nanoseconds, to a date) from overflowing.
    static let maximumBytes = 1 << 60
    static let maximumSeconds: Double = 100 * 365.25 * 86400

    /// `"1 GiB"`, `"100 MiB"`, `"10 MB"`, `"512KiB"` or a plain byte count.
    static func bytes(_ value: TOMLValue, key: String) throws(ConfigurationError) -> Int {
        switch value {
        case .integer(let bytes) where bytes >= 0 && bytes <= maximumBytes: return bytes
        case .integer: throw ConfigurationError("\(key): expected a size between 0 and 1 EiB")
        case .string(let text):
            let (number, unit) = split(text)
            let factors: [String: Double] = [
                "": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1_000_000, "mb": 1_000_000, "g": 1_000_000_000, "gb": 1_000_000_000,
                "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776, "tb": 1e12,
            ]
            guard let number, let factor = factors[unit.lowercased()], number >= 0 else {
                throw ConfigurationError("\(key): '\(text)' is not a size (use bytes or a unit: KB, MB, GB, KiB, MiB, GiB)")
            }
            guard number * factor <= Double(maximumBytes) else { throw ConfigurationError("\(key): '\(text)' is more than 1 EiB") }
            return Int(number * factor)
        default:
            throw ConfigurationError("\(key): expected a size such as \"100 MiB\", found \(value.typeName)")
        }
    }

    /// `"60d"`, `"12h"`, `"5m"`, `"30s"`, `"250ms"` or a plain number of seconds.
    static func duration(_ value: TOMLValue, key: String) throws(ConfigurationError) -> Duration {
        .seconds(try seconds(value, key: key))
    }

    private static func seconds(_ value: TOMLValue, key: String) throws(ConfigurationError) -> Double {
        switch value {
        case .integer(let seconds) where seconds >= 0 && Double(seconds) <= maximumSeconds: return Double(seconds)
        case .float(let seconds) where seconds >= 0 && seconds <= maximumSeconds: return seconds
        case .integer, .float: throw ConfigurationError("\(key): expected a duration between 0 and 100 years")
        case .string(let text):
            let (number, unit) = split(text)
            let factors: [String: Double] = ["": 1, "ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604_800]
            guard let number, let factor = factors[unit.lowercased()], number >= 0 else {
                throw ConfigurationError("\(key): '\(text)' is not a duration (use ms, s, m, h, d or w)")
            }
            guard number * factor <= maximumSeconds else { throw ConfigurationError("\(key): '\(text)' is more than 100 years") }
            return number * factor
        default:
            throw ConfigurationError("\(key): expected a duration such as \"30s\", found \(value.typeName)")
        }
    }

    /// `"1 KiB/s over 20s"`: a body must bring that many bytes per second, averaged over the window.
    static func rate(_ value: TOMLValue, key: String, keeping policy: TransferPacePolicy) throws(ConfigurationError) -> TransferPacePolicy {
        guard case .string(let text) = value else { throw ConfigurationError("\(key): expected a rate such as \"1 KiB/s over 20s\"") }
        let parts = text.components(separatedBy: " over ")
        guard parts.count == 2, parts[0].hasSuffix("/s") else {
            throw ConfigurationError("\(key): '\(text)' is not a rate such as \"1 KiB/s over 20s\"")
        }
        let perSecond = try bytes(.string(String(parts[0].dropLast(2))), key: key)
        let window = try seconds(.string(parts[1]), key: key)
        guard window >= 1 else { throw ConfigurationError("\(key): the window must be at least 1s") }
        var policy = policy
        policy.minimumBytes = Int(min(Double(perSecond) * window, Double(maximumBytes)))
        policy.window = .seconds(window)
        return policy
    }

    private static func split(_ text: String) -> (Double?, String) {
        let trimmed = text.filter { $0 != " " && $0 != "_" }
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        return (Double(digits), String(trimmed.dropFirst(digits.count)))
    }
}
