/// Works through the publishing queue one task at a time, in arrival order. It starts with
/// whatever an earlier run left queued, then waits to be woken by new uploads.
public actor JSRPublisher {
    private let registry: JSRRegistry
    private let report: @Sendable (String) -> Void
    private var wakeups: AsyncStream<Void>.Continuation?
    private var worker: Task<Void, Never>?

    public init(registry: JSRRegistry, report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.registry = registry
        self.report = report
    }

    public func start() {
        guard worker == nil else { return }
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeups = continuation
        continuation.yield()
        let registry = registry, report = report
        worker = Task {
            for await _ in stream {
                await Self.drain(registry, report: report)
            }
        }
    }

    /// Called after an upload is queued.
    public func wake() {
        wakeups?.yield()
    }

    /// Stops after the task in progress; what is still queued waits for the next start.
    public func stop() async {
        wakeups?.finish()
        await worker?.value
        worker = nil
        wakeups = nil
    }

    private static func drain(_ registry: JSRRegistry, report: @Sendable (String) -> Void) async {
        while !Task.isCancelled {
            let queued: [String]
            do {
                queued = try registry.publishing.queuedTaskIds()
            } catch {
                report("could not read the publishing queue: \(error)")
                return
            }
            guard !queued.isEmpty else { return }
            for id in queued {
                do {
                    let task = try await registry.publishing.process(taskId: id)
                    report("publishing task \(id) for @\(task.packageScope)/\(task.packageName)@\(task.packageVersion): \(task.status.rawValue)\(task.error.map { " (\($0))" } ?? "")")
                } catch {
                    // A store failure: leave the task queued and try again on the next wake-up.
                    report("publishing task \(id) could not be processed: \(error)")
                    return
                }
            }
        }
    }
}
