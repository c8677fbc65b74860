import Foundation
import Hummingbird

/// deno.land as JSPM's deno provider reads it (generator 2.16.3 src/providers/deno.ts): unversioned
/// `x/NAME/mod.ts` and `std/version.ts` redirect to the latest version, versioned files are
/// TypeScript, and no module has a package.json. Plus preact on npm, which fresh imports bare.
public enum DenoFixture {
    /// deno.land path → TypeScript source.
    public static let files: [String: String] = [
        // fresh imports preact bare (its import map supplies it; JSPM installs it from npm) and
        // types it does not ship: type-only imports, which load nothing.
        "/x/fresh@1.1.5/runtime.ts": "export * from \"./src/runtime/utils.ts\";\nimport type { ComponentChildren } from \"preact/types\";\nexport type Children = ComponentChildren;\n",
        "/x/fresh@1.1.5/src/runtime/utils.ts": "import { h, options } from \"preact\";\nimport type { VNode } from \"./types.ts\";\nexport const IS_BROWSER = typeof document !== \"undefined\";\nexport function asset(path: string): string {\n  return path + (options ? \"\" : h);\n}\n",
        "/x/oak@v12.6.1/mod.ts": "export { Application } from \"./application.ts\";\nexport * as path from \"deno:path\";\n",
        "/x/oak@v12.6.1/application.ts": "import { Status } from \"https://deno.land/std@0.200.0/http/http_status.ts\";\nexport class Application {\n  status: Status = Status.OK;\n}\n",
        "/x/oak@v12.6.1/body.ts": "export const body = (text: string): Uint8Array => new TextEncoder().encode(text);\n",
        "/std@0.200.0/http/http_status.ts": "export enum Status {\n  OK = 200,\n}\n",
        "/std@0.224.0/version.ts": "export const VERSION = \"0.224.0\";\n",
        "/std@0.224.0/path/mod.ts": "export * from \"./join.ts\";\n",
        "/std@0.224.0/path/join.ts": "export function join(...paths: string[]): string {\n  return paths.join(\"/\");\n}\n",
        "/std@0.224.0/testing/asserts.ts": "export function assert(expr: unknown): asserts expr {\n  if (!expr) throw new Error(\"assertion failed\");\n}\n",
        "/std@0.224.0/async/abortable.ts": "export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {\n  return p;\n}\n",
    ]

    public static let preact = [
        "package.json": #"{"name":"preact","version":"10.11.0","exports":{".":{"browser":"./dist/preact.module.js","require":"./dist/preact.js"}}}"#,
        "dist/preact.module.js": "export const h = 1, options = {};\n",
    ]

    /// deno.land's routes and preact's (registry.npmjs.org and ga.jspm.io layouts), on one origin.
    public static var routes: [String: TestOrigin.Handler] {
        var routes: [String: TestOrigin.Handler] = [:]
        for (path, text) in files { routes[path] = TestOrigin.file(Array(text.utf8), contentType: "application/typescript; charset=utf-8") }
        routes["/x/oak/mod.ts"] = TestOrigin.redirect("/x/oak@v12.6.1/mod.ts")
        routes["/std/version.ts"] = TestOrigin.redirect("/std@0.224.0/version.ts")
        routes["/preact"] = TestOrigin.file(Array(#"{"name":"preact","dist-tags":{"latest":"10.11.0"},"versions":{"10.11.0":{}}}"#.utf8), contentType: "application/json")
        for (path, text) in preact { routes["/npm:preact@10.11.0/\(path)"] = TestOrigin.file(Array(text.utf8)) }
        return routes
    }
}
