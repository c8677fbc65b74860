import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

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
        Self.log(logger, method: request.method, target: "\(request.uri)", status: status, milliseconds: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }

    /// The one line of a request, for this middleware and the hot path.
    static func log(_ logger: Logger, method: HTTPRequest.Method, target: String, status: Int, milliseconds: Double) {
        guard logger.logLevel <= .info else { return }
        logger.info("\(method) \(target) \(status) \(String(format: "%.1f", milliseconds))ms")
    }

    static func log(_ logger: Logger, method: HTTPRequest.Method, target: String, status: Int, elapsed: TimeAmount) {
        log(logger, method: method, target: target, status: status, milliseconds: Double(elapsed.nanoseconds) / 1e6)
    }
}
