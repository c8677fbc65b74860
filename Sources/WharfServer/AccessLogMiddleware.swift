import Hummingbird
import Logging

/// Counts every answered request and, when `writesLog`, logs one line for it: method, path,
/// status and milliseconds.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext
    let logger: Logger
    let metrics: ServerMetrics
    let writesLog: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, status: response.status.code, since: started)
            return response
        } catch let error as HTTPResponseError {
            log(request, status: error.status.code, since: started)
            throw error
        } catch {
            log(request, status: 500, since: started)
            throw error
        }
    }

    private func log(_ request: Request, status: Int, since started: ContinuousClock.Instant) {
        metrics.requests.increment()
        guard writesLog, logger.logLevel <= .info else { return }
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info("\(request.method) \(request.uri) \(status) \(String(format: "%.1f", ms))ms")
    }
}
