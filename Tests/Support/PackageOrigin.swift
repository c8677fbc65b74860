import Foundation
import Hummingbird

/// An origin that plays api.jspm.io (listings, build queue) and the CDNs for two packages,
/// fixture@1.0.0 and dep@2.0.0, in the layouts of ga.jspm.io, unpkg and jsdelivr; broken@1.0.0
/// lists a file that is missing.
public enum PackageOrigin {
    public static let files = ["LICENSE", "README.md", "index.d.ts", "index.js", "index.js.map", "lib/util.js"]

    public static func content(_ package: String, _ file: String) -> [UInt8] {
        Array("// \(package) \(file)\nexport default \(file.count);\n".utf8)
    }

    /// api.jspm.io's listing and build queue, plus every file of fixture@1.0.0 and dep@2.0.0 in the
    /// layouts of ga.jspm.io, unpkg and jsdelivr; broken@1.0.0 lists a file that is missing.
    public static var routes: [String: TestOrigin.Handler] {
        var routes: [String: TestOrigin.Handler] = [:]
        for package in ["fixture@1.0.0", "dep@2.0.0", "broken@1.0.0"] {
            let listed = package == "broken@1.0.0" ? ["index.js", "gone.js"] : files
            routes["/download/\(package)"] = { request, _ in
                let provider = request.uri.queryParameters["provider"].map(String.init) ?? "jspm.io"
                let root = switch provider {
                case "unpkg": "https://unpkg.com/\(package)/"
                case "jsdelivr": "https://cdn.jsdelivr.net/npm/\(package)/"
                default: "https://ga.jspm.io/npm:\(package)/"
                }
                let body = try JSONSerialization.data(withJSONObject: [package: ["pkgUrl": root, "files": listed]])
                return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
            }
            for file in listed where file != "gone.js" {
                for prefix in ["/npm:\(package)/", "/\(package)/", "/npm/\(package)/"] {
                    routes[prefix + file] = TestOrigin.file(content(package, file))
                }
            }
        }
        routes["/download/missing@1.0.0"] = { _, _ in
            Response(status: .notFound, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"error":"not found"}"#)))
        }
        routes["/build/fixture@1.0.0"] = { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"ok":true}"#))) }
        return routes
    }

}
