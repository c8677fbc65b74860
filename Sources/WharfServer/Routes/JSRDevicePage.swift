import Foundation
import HTTPTypes
import Hummingbird
import Registry
import URLLayout

/// The `verificationUrl` of the device flow: a page where a user enters their Wharf key to
/// approve or deny a pending authorization (jsr.io sends people to GitHub sign-in instead).
struct JSRDevicePage {
    let authorizations: JSRAuthorizations
    let loginGuard: LoginGuard

    func register(on router: Router<WharfRequestContext>) {
        router.get(RouterPath(WharfURLs.devicePath)) { request, _ in
            let code = request.uri.queryParameters["code"].map(String.init) ?? ""
            let details = code.isEmpty ? nil : try? authorizations.details(code: code)
            let note = details == nil && !code.isEmpty ? "No pending authorization has this code, or it has expired." : ""
            return Self.page(code: code, permissions: details?.permissions, message: note)
        }
        router.post(RouterPath(WharfURLs.devicePath)) { request, context in
            let fields = try await FormReader(limits: ["code": 64, "key": 4096, "action": 16]).read(request)
            let code = fields.string("code") ?? ""
            let approve = fields.string("action") != "deny"
            do {
                // A wrong key, or a code that names no authorization, counts against the client and the code.
                let isFailure: (any Error) -> Bool = { error in
                    error is RegistryError || (error as? JSRError)?.kind == .authorizationNotFound
                }
                try await loginGuard.attempt("device approval", request: request, context: context, subject: "code:\(code.prefix(64))", isFailure: isFailure) {
                    let user = try authorizations.authenticator.user(key: fields.string("key") ?? "")
                    try await authorizations.decide(code: code, approve: approve, by: JSRActor(user: user))
                }
            } catch let error as TooManyFailures {
                var page = Self.page(code: nil, permissions: nil, message: error.description, status: .tooManyRequests)
                page.headers[.retryAfter] = String(error.retryAfter)
                return page
            } catch let error as RegistryError {
                return Self.page(code: code, permissions: nil, message: "That key is not valid: \(error.message)", status: .unauthorized)
            } catch let error as JSRError {
                return Self.page(code: code, permissions: nil, message: error.message, status: error.status)
            }
            return Self.page(code: nil, permissions: nil, message: approve ? "Authorized. You can close this page and return to your terminal." : "Denied.")
        }
    }

    static func page(code: String?, permissions: [JSRPermission]?, message: String, status: HTTPResponse.Status = .ok) -> Response {
        let escape = { (text: String) in
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Wharf: authorize a device</title></head><body>"
        html += "<h1>Authorize a device</h1>"
        if !message.isEmpty { html += "<p>\(escape(message))</p>" }
        if let permissions {
            let what = permissions.map { "publish @\($0.scope)\($0.package.map { "/\($0)" } ?? "/*")\($0.version.map { "@\($0)" } ?? "")" }
            html += "<p>The device asks to: \(escape(what.joined(separator: ", ")))</p>"
        }
        if let code {
            html += """
            <form method="post" action="\(WharfURLs.devicePath)">
            <label>Code <input name="code" value="\(escape(code))" pattern="[A-Za-z]{4}-[A-Za-z]{4}" required></label>
            <label>Your Wharf key <input name="key" type="password" required></label>
            <button name="action" value="approve">Approve</button> <button name="action" value="deny">Deny</button>
            </form>
            """
        }
        html += "</body></html>"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
