import Logging
import Metrics
import Synchronization

/// When an upstream counts as down, as nginx's `max_fails`/`fail_timeout` decide it: after
/// `maxFails` failed attempts within `failTimeout`, requests stop waiting for it (stale copies or
/// an immediate 502) and a probe every `probeInterval` tells when it is back.
public struct UpstreamHealthPolicy: Sendable, Equatable {
    public var maxFails: Int
    public var failTimeout: Duration
    public var probeInterval: Duration

    public init(maxFails: Int = 3, failTimeout: Duration = .seconds(30), probeInterval: Duration = .seconds(5)) {
        self.maxFails = maxFails
        self.failTimeout = failTimeout
        self.probeInterval = probeInterval
    }
}

/// One upstream's health. Mutating functions return what the owner must do; they never act.
struct UpstreamHealthMachine: Sendable, Equatable {
    enum State: Sendable, Equatable {
        /// Answering; `failures` attempts failed in a row, the first at `since`.
        case up(failures: Int, since: ContinuousClock.Instant?)
        /// Not contacted by requests since `since`; a probe runs.
        case down(since: ContinuousClock.Instant)
    }

    enum RequestAction: Sendable, Equatable {
        case send
        case refuse(downSince: ContinuousClock.Instant)
    }

    enum OutcomeAction: Sendable, Equatable {
        case none
        /// Just went down: log it, and start probing.
        case wentDown
        /// Back up: log it; the probe ends.
        case cameBack
    }

    let policy: UpstreamHealthPolicy
    private(set) var state = State.up(failures: 0, since: nil)

    init(policy: UpstreamHealthPolicy) {
        self.policy = policy
    }

    func request() -> RequestAction {
        if case .down(let since) = state { return .refuse(downSince: since) }
        return .send
    }

    /// An attempt (a request's or a probe's) got no answer.
    mutating func failed(at now: ContinuousClock.Instant) -> OutcomeAction {
        switch state {
        case .down:
            return .none
        case .up(let failures, let since):
            // Failures older than the window start a new count.
            let fresh = since.map { now - $0 <= policy.failTimeout } ?? false
            let count = fresh ? failures + 1 : 1
            if count >= policy.maxFails {
                state = .down(since: now)
                return .wentDown
            }
            state = .up(failures: count, since: fresh ? since : now)
            return .none
        }
    }

    /// An attempt got an answer (any status: the upstream is reachable).
    mutating func answered() -> OutcomeAction {
        let wasDown = if case .down = state { true } else { false }
        state = .up(failures: 0, since: nil)
        return wasDown ? .cameBack : .none
    }
}

/// The health of every upstream host, with the probes of those that are down. `probe` asks the
/// host once and says whether it answered.
final class UpstreamHealth: Sendable {
    typealias Probe = @Sendable (_ host: String) async -> Bool

    private let policy: UpstreamHealthPolicy
    private let machines = Mutex<[String: UpstreamHealthMachine]>([:])
    private let probes = Mutex<[String: Task<Void, Never>]>([:])
    private let probe: Probe
    private let metrics: any MetricsFactory
    private let logger: Logger

    init(policy: UpstreamHealthPolicy, metrics: any MetricsFactory, logger: Logger, probe: @escaping Probe) {
        self.policy = policy
        self.metrics = metrics
        self.logger = logger
        self.probe = probe
    }

    func request(_ host: String) -> UpstreamHealthMachine.RequestAction {
        machines.withLock { $0[host]?.request() ?? .send }
    }

    func failed(_ host: String, error: String) {
        let action = machines.withLock { machines in
            machines[host, default: UpstreamHealthMachine(policy: policy)].failed(at: .now)
        }
        apply(action, host: host, error: error)
    }

    func answered(_ host: String) {
        let action = machines.withLock { machines -> UpstreamHealthMachine.OutcomeAction in
            guard machines[host] != nil else { return .none }
            return machines[host]!.answered()
        }
        apply(action, host: host, error: nil)
    }

    /// Stops every probe; call once, at shutdown.
    func shutdown() async {
        let running = probes.withLock { probes in
            defer { probes.removeAll() }
            return Array(probes.values)
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    private func apply(_ action: UpstreamHealthMachine.OutcomeAction, host: String, error: String?) {
        switch action {
        case .none:
            return
        case .wentDown:
            gauge(host).record(0)
            logger.warning("upstream marked down: requests answer stale or 502 at once until a probe reaches it", metadata: [
                "host": "\(host)", "failures": "\(policy.maxFails)", "error": "\(error ?? "")",
            ])
            startProbing(host)
        case .cameBack:
            gauge(host).record(1)
            logger.notice("upstream is back", metadata: ["host": "\(host)"])
        }
    }

    private func gauge(_ host: String) -> Gauge {
        Gauge(label: "wharf_upstream_up", dimensions: [("host", host)], factory: metrics)
    }

    private func startProbing(_ host: String) {
        let interval = policy.probeInterval, probe = probe
        probes.withLock { probes in
            guard probes[host] == nil else { return }
            probes[host] = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { return }
                    if await probe(host) {
                        self?.answered(host)
                        break
                    }
                }
                _ = self?.probes.withLock { $0.removeValue(forKey: host) }
            }
        }
    }
}
