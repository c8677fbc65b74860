/// How slow an upstream body may be: at least `minimumBytes` in every `window` once the body has
/// run that long, and done within `deadline` of the request. (The wait between two reads is
/// bounded by the HTTP client's read timeout, so a body that stops altogether is caught there.)
public struct TransferPacePolicy: Sendable, Equatable {
    public var minimumBytes: Int
    public var window: Duration
    public var deadline: Duration

    public init(minimumBytes: Int = 1024 * 20, window: Duration = .seconds(20), deadline: Duration = .seconds(600)) {
        self.minimumBytes = minimumBytes
        self.window = window
        self.deadline = deadline
    }
}

/// Watches one upstream transfer against a `TransferPacePolicy`; told of every piece received,
/// it says whether to go on.
struct TransferPace {
    enum Verdict: Equatable {
        case proceed
        /// Fewer than the policy's bytes arrived in the last window.
        case tooSlow(bytes: Int, in: Duration)
        case pastDeadline
    }

    let policy: TransferPacePolicy
    let started: ContinuousClock.Instant
    /// (time, bytes so far) at each piece of the last window, oldest first.
    private var samples: [(ContinuousClock.Instant, Int)] = []
    private var total = 0

    init(policy: TransferPacePolicy, started: ContinuousClock.Instant) {
        self.policy = policy
        self.started = started
    }

    mutating func received(_ count: Int, at now: ContinuousClock.Instant) -> Verdict {
        if now - started > policy.deadline { return .pastDeadline }
        // The count at the window's start: the newest sample at or before it.
        let windowStart = now - policy.window
        while samples.count > 1, samples[1].0 <= windowStart { samples.removeFirst() }
        let base = samples.first.map { $0.0 <= windowStart ? $0.1 : 0 } ?? 0
        total += count
        samples.append((now, total))
        guard now - started >= policy.window else { return .proceed }
        let recent = total - base
        return recent < policy.minimumBytes ? .tooSlow(bytes: recent, in: policy.window) : .proceed
    }
}
