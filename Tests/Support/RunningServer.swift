import Foundation

/// A server started in this process for a test; `stop()` cancels it and waits until it has closed.
public struct RunningServer: Sendable {
    public let port: Int
    let task: Task<Void, any Error>

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts `run`, which must call its argument with the bound port once it accepts connections.
    public static func start(
        _ run: @escaping @Sendable (_ ready: @escaping @Sendable (Int) async -> Void) async throws -> Void
    ) async throws -> RunningServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await run { port in continuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw ServerDidNotStart()
        }
        return RunningServer(port: port, task: task)
    }

    public func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// The error the server's run ended with, after `stop()` or on its own.
    public var result: Result<Void, any Error> { get async { await task.result } }
}

public struct ServerDidNotStart: Error {}
