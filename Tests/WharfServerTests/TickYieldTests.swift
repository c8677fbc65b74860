import NIOCore
import NIOEmbedded
import Synchronization
import Testing
@testable import WharfServer

/// The hot path's yield: once per event-loop tick however many hits it answered, after the tick's
/// work, and again in the next tick that answers.
@Suite struct TickYieldTests {
    @Test func aTickYieldsOnceAfterItsWork() {
        let loop = EmbeddedEventLoop()
        let yields = Atomic<Int>(0)
        let tickYield = TickYield { yields.add(1, ordering: .relaxed) }
        for _ in 0..<3 { tickYield.afterThisTick(on: loop) }
        #expect(yields.load(ordering: .relaxed) == 0, "not during the tick")
        loop.run()
        #expect(yields.load(ordering: .relaxed) == 1, "once for the three answers")
        tickYield.afterThisTick(on: loop)
        tickYield.afterThisTick(on: loop)
        loop.run()
        #expect(yields.load(ordering: .relaxed) == 2, "once more in the next tick")
        loop.run()
        #expect(yields.load(ordering: .relaxed) == 2, "a tick without answers does not yield")
    }
}
