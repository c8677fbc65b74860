/// Content types by extension, for stored files whose source named none: upstreams that send
/// none (or `application/octet-stream`), and files unpacked from published tarballs.
public enum MediaType {
    public static func forPath(_ path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: ".") else { return "application/octet-stream" }
        switch name[name.index(after: dot)...].lowercased() {
        case "js", "mjs", "cjs": return "application/javascript; charset=utf-8"
        case "json", "map": return "application/json; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "html", "htm": return "text/html; charset=utf-8"
        case "ts", "mts", "cts", "tsx": return "application/typescript; charset=utf-8"
        case "txt", "md": return "text/plain; charset=utf-8"
        case "wasm": return "application/wasm"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "tgz", "gz": return "application/gzip"
        case "tar": return "application/x-tar"
        default: return "application/octet-stream"
        }
    }

    /// `text/javascript`, `application/javascript`, `application/x-javascript`, `…ecmascript`: a module.
    public static func isJavaScript(_ contentType: String) -> Bool {
        let type = contentType.prefix { $0 != ";" }.lowercased()
        return type.hasSuffix("/javascript") || type.hasSuffix("/x-javascript") || type.hasSuffix("/ecmascript")
    }
}
