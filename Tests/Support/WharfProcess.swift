import Foundation
import Synchronization

/// The built `wharf` executable run as a child process, for what only a real process shows:
/// signals, exit codes, memory use, several processes on one store.
/// Unchecked: Foundation's `Process` is not marked Sendable, but is only read after launch.
public final class WharfProcess: @unchecked Sendable {
    public let process: Process
    private let output = OutputBuffer()

    /// `.build/<triple>/debug/wharf`, next to the test bundle (`swift test` builds it).
    public static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("wharf").path
    }

    private init(process: Process) {
        self.process = process
    }

    /// Everything the process wrote to stdout and stderr so far.
    public var text: String { output.text }
    public var pid: Int32 { process.processIdentifier }

    /// Starts `wharf arguments…` with stdout and stderr collected.
    public static func launch(_ arguments: [String], directory: String? = nil) throws -> WharfProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // Never the repository root: its proxy.conf must not leak into tests.
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? NSTemporaryDirectory())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let child = WharfProcess(process: process)
        let handle = pipe.fileHandleForReading, output = child.output
        Thread.detachNewThread {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                output.append(data)
            }
        }
        return child
    }

    /// Runs `wharf arguments…` to completion (in `directory`, else the temp folder): its exit status and output.
    public static func run(_ arguments: [String], directory: String? = nil) async throws -> (status: Int32, output: String) {
        let child = try launch(arguments, directory: directory)
        let status = await child.waitForExit(timeout: .seconds(60))
        try await Task.sleep(for: .milliseconds(50))
        return (status ?? -1, child.text)
    }

    /// Starts `wharf serve` on port 0 and waits for its "serving on port N" line.
    public static func serve(_ arguments: [String]) async throws -> (WharfProcess, port: Int) {
        try await launchServe(["--listen", "127.0.0.1:0"] + arguments)
    }

    /// Starts `wharf serve arguments…` and waits for its "serving on port N" line.
    public static func launchServe(_ arguments: [String]) async throws -> (WharfProcess, port: Int) {
        let child = try launch(["serve"] + arguments)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let range = child.text.range(of: "serving on port ") {
                let digits = child.text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) { return (child, port) }
            }
            if !child.process.isRunning { throw WharfProcessError("wharf serve exited: \(child.text)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        child.process.terminate()
        throw WharfProcessError("wharf serve did not start: \(child.text)")
    }

    public func signal(_ signal: Int32) { kill(pid, signal) }

    /// The exit status, or nil when the process still runs at the deadline.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Stops the process for good (SIGKILL if SIGTERM is not enough).
    public func stop() async {
        guard process.isRunning else { return }
        signal(SIGTERM)
        if await waitForExit(timeout: .seconds(20)) == nil {
            signal(SIGKILL)
            _ = await waitForExit(timeout: .seconds(5))
        }
    }

    /// Anonymous resident memory (heap and stacks, not the mapped store), in bytes.
    public var residentAnonymousBytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }) else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
    }
}

public struct WharfProcessError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// What a child process printed, collected by a reader thread.
final class OutputBuffer: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    func append(_ data: Data) { bytes.withLock { $0 += data } }
    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
}
