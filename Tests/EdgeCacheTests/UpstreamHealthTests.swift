import Testing
@testable import EdgeCache

/// The max_fails/fail_timeout state machine: what each event makes the owner do.
@Suite struct UpstreamHealthTests {
    let policy = UpstreamHealthPolicy(maxFails: 3, failTimeout: .seconds(30), probeInterval: .seconds(5))
    let start = ContinuousClock.now

    @Test func maxFailsWithinTheWindowMarkItDownUntilItAnswers() {
        var machine = UpstreamHealthMachine(policy: policy)
        #expect(machine.request() == .send)
        #expect(machine.failed(at: start) == .none)
        #expect(machine.failed(at: start + .seconds(1)) == .none)
        #expect(machine.request() == .send)
        #expect(machine.failed(at: start + .seconds(2)) == .wentDown)
        #expect(machine.request() == .refuse(downSince: start + .seconds(2)))
        #expect(machine.failed(at: start + .seconds(3)) == .none, "already down: nothing more to do")
        #expect(machine.answered() == .cameBack)
        #expect(machine.request() == .send)
        #expect(machine.answered() == .none)
    }

    @Test func anAnswerOrAnOldFailureStartsTheCountAgain() {
        var machine = UpstreamHealthMachine(policy: policy)
        _ = machine.failed(at: start)
        _ = machine.failed(at: start + .seconds(1))
        #expect(machine.answered() == .none)
        #expect(machine.failed(at: start + .seconds(2)) == .none)
        #expect(machine.failed(at: start + .seconds(3)) == .none)
        // The third failure comes after the window of the first: the count restarts from it.
        #expect(machine.failed(at: start + .seconds(40)) == .none)
        #expect(machine.failed(at: start + .seconds(41)) == .none)
        #expect(machine.failed(at: start + .seconds(42)) == .wentDown)
    }
}
