import Foundation
import Testing
import WharfTestSupport

/// The real deno (PyPI's `deno`, which scripts/test installs) against a real `wharf serve`: it
/// publishes with a token and through the interactive device flow, resolves `jsr:` packages with
/// `JSR_URL`, and runs a map from `/generate` with the origin stopped. Every run starts from an
/// empty `DENO_DIR`, and Wharf's access log shows it served the modules.
@Suite(.serialized) struct DenoTests {
    static let deno: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { "\($0)/deno" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    static let key = "a-long-deno-test-key"

    /// A Wharf with one admin, the scope `acme` and the packages `base` and `app`.
    struct Registry {
        let wharf: WharfProcess
        let base: String
        let token: String
        let dir: TemporaryDirectory

        static func start() async throws -> Registry {
            let dir = TemporaryDirectory("deno")
            let port = try BrowserTests.freePort()
            try "[[auth.users]]\nname = \"dev\"\nkey = \"\(DenoTests.key)\"\nadmin = true\n".write(toFile: dir.path + "/proxy.conf", atomically: true, encoding: .utf8)
            let (wharf, _) = try await WharfProcess.launchServe([
                "--config", dir.path + "/proxy.conf", "--data", dir.path + "/store",
                "--listen", "127.0.0.1:\(port)", "--public-url", "http://127.0.0.1:\(port)",
            ])
            let base = "http://127.0.0.1:\(port)"
            let client = HTTPTestClient()
            let login = MultipartBody([.init("key", DenoTests.key)])
            let response = try await client.request(base + "/auth/login", method: .POST, headers: [("Content-Type", login.contentType)], body: login.bytes)
            let token = try #require(response.json?["token"] as? String, "\(response.text)")
            let auth = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
            _ = try await client.request(base + "/api/scopes", method: .POST, headers: auth, body: Array(#"{"scope":"acme"}"#.utf8))
            for name in ["base", "app"] {
                _ = try await client.request(base + "/api/scopes/acme/packages", method: .POST, headers: auth, body: Array(#"{"package":"\#(name)"}"#.utf8))
            }
            await client.shutdown()
            return Registry(wharf: wharf, base: base, token: token, dir: dir)
        }

        /// A package folder with its deno.json (deno needs a license, and `minimumDependencyAge: 0`
        /// to use a version published a moment ago).
        func package(_ name: String, version: String, files: [String: String], imports: [String: String] = [:]) throws -> String {
            let folder = dir.path + "/" + name + "-" + version
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let config: [String: Any] = [
                "name": "@acme/\(name)", "version": version, "exports": "./mod.ts", "license": "MIT",
                "minimumDependencyAge": 0, "imports": imports,
            ]
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: folder + "/deno.json"))
            for (path, text) in files { try text.write(toFile: folder + "/" + path, atomically: true, encoding: .utf8) }
            return folder
        }

        /// Deno's environment for this registry, with a fresh cache.
        func environment(_ cache: String) -> [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["JSR_URL"] = base + "/"
            environment["DENO_DIR"] = dir.path + "/" + cache
            environment["NO_COLOR"] = "1"
            environment["DENO_NO_UPDATE_CHECK"] = "1"
            return environment
        }
    }

    /// Runs a program to its end (off the cooperative pool: it blocks) and returns status and output.
    static func run(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String], timeout: TimeInterval = 120) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // A hung client fails its test instead of holding the suite.
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { process.terminate() } }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, output))
            }
        }
    }

    @Test func denoPublishesWithATokenThenRunsAndAddsThroughJSRURL() async throws {
        let deno = try #require(Self.deno, "deno is needed (scripts/test installs it with pip)")
        let registry = try await Registry.start()
        let base = try registry.package("base", version: "1.0.0", files: ["mod.ts": "export const base = (): string => \"base 1.0.0\";\n"])
        let app = try registry.package("app", version: "1.0.0", files: [
            "mod.ts": "import { base } from \"@acme/base\";\nexport const app = (): string => \"app+\" + base();\n",
        ], imports: ["@acme/base": "jsr:@acme/base@^1.0.0"])
        for folder in [base, app] {
            let published = try await Self.run(deno, ["publish", "--token", registry.token, "--allow-dirty"], in: folder, environment: registry.environment("cache-publish"))
            #expect(published.status == 0, "\(published.output)")
            #expect(published.output.contains("Successfully published"), "\(published.output)")
        }

        let project = registry.dir.path + "/project"
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        try #"{"minimumDependencyAge":0}"#.write(toFile: project + "/deno.json", atomically: true, encoding: .utf8)
        try "import { app } from \"jsr:@acme/app@1\";\nconsole.log(app());\n".write(toFile: project + "/main.ts", atomically: true, encoding: .utf8)
        let ran = try await Self.run(deno, ["run", "main.ts"], in: project, environment: registry.environment("cache-run"))
        #expect(ran.status == 0, "\(ran.output)")
        #expect(ran.output.contains("app+base 1.0.0"), "\(ran.output)")
        let added = try await Self.run(deno, ["add", "jsr:@acme/app"], in: project, environment: registry.environment("cache-add"))
        #expect(added.status == 0, "\(added.output)")
        #expect(try String(contentsOfFile: project + "/deno.json", encoding: .utf8).contains("jsr:@acme/app@^1.0.0"))

        // Wharf served what deno ran (a fresh DENO_DIR had nothing of it).
        for path in ["/@acme/app/meta.json", "/@acme/app/1.0.0/mod.ts", "/@acme/base/1.0.0/mod.ts"] {
            #expect(registry.wharf.text.contains("GET \(path) 200"), "\(path) in the access log")
        }
        await registry.wharf.stop()
    }

    /// `deno publish` without a token: deno prints `{verificationUrl}?code=…`; the page at that link
    /// approves with the user's key, and the publish completes. deno wants a terminal: `script`.
    @Test func theInteractiveDeviceFlowCompletesWhenThePageApproves() async throws {
        let deno = try #require(Self.deno, "deno is needed (scripts/test installs it with pip)")
        let registry = try await Registry.start()
        let folder = try registry.package("base", version: "2.0.0", files: ["mod.ts": "export const base = 2;\n"])
        let transcript = registry.dir.path + "/transcript"
        let publishing = Task {
            try await Self.run("/usr/bin/script", ["-qfec", "\(deno) publish --allow-dirty", transcript], in: folder, environment: registry.environment("cache-device"))
        }
        var link: String?
        for _ in 0..<600 where link == nil {
            try await Task.sleep(for: .milliseconds(100))
            let text = (try? String(contentsOfFile: transcript, encoding: .utf8)) ?? ""
            link = text.firstMatch(of: /Visit (http\S+\?code=[A-Z]{4}-[A-Z]{4})/).map { String($0.1) }
        }
        let url = try #require(link, "deno printed no verification link")
        #expect(url.hasPrefix(registry.base + "/auth?code="), "one ?code=, on the bare page: \(url)")
        let code = String(url.suffix(9))
        let client = HTTPTestClient()
        let page = try await client.get(url)
        #expect(page.status == 200)
        #expect(page.text.contains(code))
        let approved = try await client.request(registry.base + "/auth", method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                                body: Array("code=\(code)&key=\(Self.key)&action=approve".utf8))
        #expect(approved.status == 200, "\(approved.text)")
        let (status, _) = try await publishing.value
        let output = (try? String(contentsOfFile: transcript, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(output)")
        #expect(output.contains("Successfully published @acme/base@2.0.0"), "\(output)")
        await client.shutdown()
        await registry.wharf.stop()
    }

    /// `deno run --import-map` with a map from `/generate` (provider local, deno's conditions), the
    /// origin stopped: every module comes from Wharf.
    @Test func aGeneratedMapRunsInDenoWithTheOriginStopped() async throws {
        let deno = try #require(Self.deno, "deno is needed (scripts/test installs it with pip)")
        let origin = TestOrigin(routes: NpmFixture.routes)
        let originServer = try await origin.start()
        let dir = TemporaryDirectory("deno-generate")
        let (wharf, port) = try await BrowserTests.serve(in: dir, upstreamsAt: originServer.port, for: ["ga.jspm.io", "api.jspm.io", "registry.npmjs.org"])
        let client = HTTPTestClient()
        let generated = try await client.get("http://127.0.0.1:\(port)/generate?install=other,app-lib&env=deno,production,module&provider=local&output=importmap")
        #expect(generated.status == 200, "\(generated.text)")
        await originServer.stop()
        try generated.text.write(toFile: dir.path + "/map.json", atomically: true, encoding: .utf8)
        try "import { other } from \"other\";\nimport lib from \"app-lib\";\nconsole.log(\"other=\" + other + \" lib=\" + lib);\n"
            .write(toFile: dir.path + "/main.ts", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["DENO_DIR"] = dir.path + "/cache"
        environment["NO_COLOR"] = "1"
        let ran = try await Self.run(deno, ["run", "--allow-import=127.0.0.1:\(port)", "--import-map", "map.json", "main.ts"], in: dir.path, environment: environment)
        #expect(ran.status == 0, "\(ran.output)")
        #expect(ran.output.contains("other=2 lib=server"), "\(ran.output)")
        for path in ["/cdn/ga.jspm.io/npm:other@2.0.0/lib/main.js", "/cdn/ga.jspm.io/npm:shared@1.1.0/esm/index.js", "/cdn/ga.jspm.io/npm:app-lib@1.0.0/index.js"] {
            #expect(wharf.text.contains("GET \(path) 200"), "\(path) in the access log")
        }
        await wharf.stop()
        await client.shutdown()
    }
}
