/// Node's built-in modules, as JSPM Generator maps them: to `node:NAME` where the environment
/// has them (`node`, `deno`), else to `@jspm/core`'s browser polyfills (`./nodelibs/NAME`).
enum NodeBuiltins {
    /// The names JSPM Generator treats as built-ins when written bare (with `node:` any name is one).
    static let names: Set<String> = [
        "_http_agent", "_http_client", "_http_common", "_http_incoming", "_http_outgoing", "_http_server",
        "_stream_duplex", "_stream_passthrough", "_stream_readable", "_stream_transform", "_stream_wrap",
        "_stream_writable", "_tls_common", "_tls_wrap", "assert", "assert/strict", "async_hooks", "buffer",
        "child_process", "cluster", "console", "constants", "crypto", "dgram", "diagnostics_channel", "dns",
        "dns/promises", "domain", "events", "fs", "fs/promises", "http", "http2", "https", "inspector", "module",
        "net", "os", "path", "path/posix", "path/win32", "perf_hooks", "process", "punycode", "querystring",
        "readline", "repl", "stream", "stream/promises", "string_decoder", "sys", "timers", "timers/promises",
        "tls", "trace_events", "tty", "url", "util", "util/types", "v8", "vm", "wasi", "worker_threads", "zlib",
    ]

    /// The package whose `./nodelibs/NAME` subpaths stand in for the built-ins in a browser.
    static let polyfillPackage = "@jspm/core"

    /// The built-in `specifier` names (`crypto`, `node:crypto`, `fs/promises`), or nil.
    static func builtin(_ specifier: String) -> String? {
        if specifier.hasPrefix("node:") {
            let name = String(specifier.dropFirst(5))
            return name.isEmpty ? nil : name
        }
        return names.contains(specifier) ? specifier : nil
    }

    /// Where a built-in goes under `env`.
    enum Target: Equatable {
        /// Left to the runtime: `node:NAME`, not traced.
        case runtime(String)
        /// `./nodelibs/NAME` of `@jspm/core` (a subpathed built-in uses its first segment).
        case polyfill(subpath: String)
    }

    static func target(of builtin: String, env: [String]) -> Target {
        if env.contains("node") || env.contains("deno") { return .runtime("node:\(builtin)") }
        let first = builtin.split(separator: "/", maxSplits: 1).first.map(String.init) ?? builtin
        return .polyfill(subpath: "./nodelibs/\(first)")
    }
}
