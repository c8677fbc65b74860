import ArgumentParser
import AsyncHTTPClient
import EdgeCache
import Foundation
import ImportMaps
import JSON
import Logging
import Metrics
import NIOCore
import Storage
import WharfServer

/// `wharf rewrite MAP.json`: the map with every CDN package fetched into Wharf and its URLs
/// pointing there (or at `--base`), through a running server or on the local store.
struct RewriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrite",
        abstract: "Fetch every package of an import map into Wharf and rewrite its URLs."
    )

    @OptionGroup var options: ConfigurationOptions

    @Argument(help: "The import map (JSON with imports, scopes, integrity).")
    var map: String

    @Option(name: .shortAndLong, help: "Write the rewritten map here instead of standard output.")
    var output: String?

    @Option(help: "Base URL of the rewritten URLs ({base}/{host}/{path}); default {public_url}/cdn.")
    var base: String?

    @Option(help: "Also write every file to DIR/{host}/{path} and DIR/importmap.json (local store only).")
    var export: String?

    @Option(help: "A running Wharf to ask (POST /rewrite); without it the local store is used.")
    var server: String?

    @Flag(help: "Keep going when some packages cannot be fetched.")
    var allowPartial = false

    func validate() throws {
        if export != nil && server != nil { throw ValidationError("--export works on the local store; leave out --server") }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: map) else { throw ValidationError("cannot read \(map)") }
        let input: JSONValue
        do { input = try JSONValue.parse(Array(data)) } catch { throw ValidationError("\(map): \(error)") }
        let result: JSONValue
        if let server {
            result = try await remote(input, server: server)
        } else {
            result = try await local(input)
        }
        let text = result.serialized(indent: 2) + "\n"
        if let output {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
        } else {
            print(text, terminator: "")
        }
    }

    /// In this process, on the store of the configuration (a server may be running on it too).
    private func local(_ input: JSONValue) async throws -> JSONValue {
        let configuration = try options.load()
        let progress = ProgressLine()
        return try await WharfComponents.using(configuration) { store in
            do {
                let outcome = try await store.rewriter.rewrite(input, base: base ?? (export != nil ? "." : nil)) { done, total, bytes in
                    progress.update(done: done, total: total, bytes: bytes)
                }
                progress.finish(packages: outcome.packages.count, files: outcome.packages.reduce(0) { $0 + $1.files }, bytes: outcome.packages.reduce(0) { $0 + $1.bytes }, errors: outcome.errors)
                if !outcome.errors.isEmpty && !allowPartial {
                    throw ValidationError("\(outcome.errors.count) package(s) could not be fetched; --allow-partial keeps going")
                }
                var map = outcome.map
                if let export {
                    let written = try await store.exporter.export(outcome, to: export)
                    FileHandle.standardError.write(Data("exported \(written.files) files (\(ByteCount(written.bytes))) to \(export)\n".utf8))
                    map = written.map
                }
                return map
            } catch let error as ImportMapError {
                throw ValidationError(error.message)
            }
        }
    }

    /// Through a running server's `POST /rewrite`.
    private func remote(_ input: JSONValue, server: String) async throws -> JSONValue {
        var members: [(String, JSONValue)] = [("map", input), ("allowPartial", .bool(allowPartial))]
        if let base { members.append(("base", .string(base))) }
        let (status, answer) = try await ServerClient.post(.object(members), to: "/rewrite", server: server)
        guard status == 200, let map = answer["map"] else {
            throw ValidationError("\(server) answered \(status): \(answer["error"]?.stringValue ?? "")")
        }
        if case .array(let packages)? = answer["packages"] {
            FileHandle.standardError.write(Data("rewrote \(packages.count) packages through \(server)\n".utf8))
        }
        return map
    }
}

/// One line of progress on a terminal (packages and bytes), a plain summary otherwise.
final class ProgressLine: @unchecked Sendable {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let lock = NSLock()

    func update(done: Int, total: Int, bytes: Int) {
        guard isTerminal else { return }
        lock.lock(); defer { lock.unlock() }
        let width = 30, filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) packages, \(ByteCount(bytes))   ".utf8))
    }

    func finish(packages: Int, files: Int, bytes: Int, errors: [String]) {
        let lead = isTerminal ? "\n" : ""
        var text = "\(lead)rewrote \(packages) packages: \(files) files, \(ByteCount(bytes))\n"
        for error in errors { text += "error: \(error)\n" }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
