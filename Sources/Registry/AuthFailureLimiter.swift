import Synchronization

/// How many failed authentications (a wrong key, verifier or code) a client or a subject may make
/// in a window before it must wait: brute force costs hours, a typo costs nothing.
public struct AuthFailurePolicy: Sendable, Equatable {
    public var maxFailures: Int
    public var window: Duration

    public init(maxFailures: Int = 10, window: Duration = .seconds(300)) {
        self.maxFailures = maxFailures
        self.window = window
    }
}

/// Refused because too many attempts failed; the client may try again after `retryAfter` seconds.
public struct TooManyFailures: Error, Sendable, CustomStringConvertible {
    public let retryAfter: Int
    public let description: String
}

/// Failed attempts per key (`client:ADDRESS`, `code:ABCD-EFGH`, …) within the policy's window.
/// Keys whose failures have all aged out are dropped, so the table stays as small as the attack.
public final class AuthFailureLimiter: Sendable {
    public let policy: AuthFailurePolicy
    private let failures = Mutex<[String: [ContinuousClock.Instant]]>([:])

    public init(policy: AuthFailurePolicy) {
        self.policy = policy
    }

    /// Throws when any of `keys` has used up its failures.
    public func check(_ keys: [String], now: ContinuousClock.Instant = .now) throws(TooManyFailures) {
        let policy = policy
        let blocked: (String, ContinuousClock.Instant)? = failures.withLock { table in
            for key in keys {
                let recent = (table[key] ?? []).filter { now - $0 < policy.window }
                if recent.count >= policy.maxFailures, let oldest = recent.first { return (key, oldest) }
            }
            return nil
        }
        guard let (key, oldest) = blocked else { return }
        let wait = policy.window - (now - oldest)
        let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
        throw TooManyFailures(retryAfter: seconds, description: "too many failed attempts for \(key); try again in \(seconds) s")
    }

    /// Counts one failure against each of `keys`.
    public func recordFailure(_ keys: [String], now: ContinuousClock.Instant = .now) {
        let window = policy.window
        failures.withLock { table in
            for key in keys { table[key, default: []].append(now) }
            // Keep the table bounded: sweep what has aged out once it grows.
            if table.count > 10_000 {
                table = table.compactMapValues { times in
                    let recent = times.filter { now - $0 < window }
                    return recent.isEmpty ? nil : recent
                }
            }
            for key in keys { table[key] = table[key]?.filter { now - $0 < window }.suffix(policy.maxFailures * 2).map { $0 } }
        }
    }
}
