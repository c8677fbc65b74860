import Testing
@testable import EdgeCache

/// min_rate over a sliding window, and the fetch deadline.
@Suite struct TransferPaceTests {
    let start = ContinuousClock.now
    let policy = TransferPacePolicy(minimumBytes: 1000, window: .seconds(10), deadline: .seconds(60))

    @Test func aSteadyBodyProceedsAndADripIsTooSlow() {
        var steady = TransferPace(policy: policy, started: start)
        for second in 0..<30 { #expect(steady.received(200, at: start + .seconds(second)) == .proceed, "\(second)") }

        var drip = TransferPace(policy: policy, started: start)
        for second in 0..<10 { #expect(drip.received(1, at: start + .seconds(second)) == .proceed, "the first window is allowed") }
        #expect(drip.received(1, at: start + .seconds(10)) == .tooSlow(bytes: 10, in: .seconds(10)))
    }

    @Test func aBurstThenSilenceIsJudgedOnTheLastWindow() {
        var pace = TransferPace(policy: policy, started: start)
        #expect(pace.received(50_000, at: start) == .proceed)
        #expect(pace.received(10, at: start + .seconds(12)) == .tooSlow(bytes: 10, in: .seconds(10)), "the burst is out of the window")
    }

    @Test func theDeadlineEndsEvenAFastFetch() {
        var pace = TransferPace(policy: policy, started: start)
        #expect(pace.received(1 << 20, at: start + .seconds(59)) == .proceed)
        #expect(pace.received(1 << 20, at: start + .seconds(61)) == .pastDeadline)
    }
}
