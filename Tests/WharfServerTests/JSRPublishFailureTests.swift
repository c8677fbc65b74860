import Foundation
@testable import Tarball
import Testing
import WharfServer
import WharfTestSupport

/// Each class of bad package fails its publishing task with jsr.io's error code, and leaves no
/// version behind: the same version can then be published properly.
@Suite struct JSRPublishFailureTests {
    static let config = "{\"name\": \"@bad/pkg\", \"version\": \"1.0.0\", \"exports\": \"./mod.ts\"}"

    static func tar(_ build: (inout TarWriter) -> Void) -> [UInt8] {
        var tar = TarWriter()
        build(&tar)
        return tar.archive(compression: .gzip)
    }

    /// A tarball with a character device entry, which TarWriter cannot write: a file header is
    /// retyped ('3') and its checksum recomputed.
    static func characterDevice() -> [UInt8] {
        var tar = TarWriter()
        tar.addFile("./jsr.json", contents: config)
        tar.addFile("./mod.ts", contents: "export {};")
        tar.addFile("./device", bytes: [])
        var bytes = tar.archive(compression: .none)
        let header = bytes.indices.filter { $0 % 512 == 0 }.first { bytes[$0..<($0 + 8)].elementsEqual(Array("./device".utf8)) }!
        bytes[header + 156] = UInt8(ascii: "3")
        for index in 148..<156 { bytes[header + index] = UInt8(ascii: " ") }
        let sum = bytes[header..<(header + 512)].reduce(0) { $0 + Int($1) }
        let octal = Array(String(format: "%06o", sum).utf8) + [0, UInt8(ascii: " ")]
        for (offset, byte) in octal.enumerated() { bytes[header + 148 + offset] = byte }
        return GzipDeflater.compress(bytes)
    }

    static let cases: [(code: String, tarball: [UInt8])] = [
        ("invalidTarball", Array("this is not a tarball at all, not even gzip".utf8)),
        ("invalidTarball", Array(JSRFixture.package("bad", "pkg", "1.0.0").prefix(60))),
        // jsr.io takes gzipped tars only: a plain tar of a valid package is refused.
        ("invalidTarball", {
            var plain = TarWriter()
            plain.addFile("./jsr.json", contents: config)
            plain.addFile("./mod.ts", contents: "export {};")
            return plain.archive(compression: .none)
        }()),
        ("linkInTarball", tar { $0.addFile("./jsr.json", contents: config); $0.addFile("./mod.ts", contents: "export {};"); $0.addSymlink("./link.ts", target: "mod.ts") }),
        ("linkInTarball", tar { $0.addFile("./jsr.json", contents: config); $0.addFile("./mod.ts", contents: "export {};"); $0.addHardLink("./hard.ts", target: "mod.ts") }),
        ("invalidEntryType", characterDevice()),
        ("invalidPath", JSRFixture.tarball(["jsr.json": config, "mod.ts": "export {};", "bad name.ts": "export {};"])),
        ("invalidPath", JSRFixture.tarball(["jsr.json": config, "mod.ts": "export {};", String(repeating: "a", count: 160) + ".ts": "export {};"])),
        ("invalidPath", tar { $0.addFile("./jsr.json", contents: config); $0.addFile("./mod.ts", contents: "export {};"); $0.addFile("../escape.ts", contents: "x") }),
        ("caseInsensitiveDuplicatePath", JSRFixture.tarball(["jsr.json": config, "mod.ts": "export {};", "Mod.ts": "export {};"])),
        ("missingConfigFile", JSRFixture.tarball(["deno.json": config, "mod.ts": "export {};"])),
        ("invalidConfigFile", JSRFixture.tarball(["jsr.json": "{name: oops", "mod.ts": "export {};"])),
        ("invalidConfigFile", JSRFixture.tarball(["jsr.json": "[1, 2]", "mod.ts": "export {};"])),
        ("configFileNameMismatch", JSRFixture.tarball(["jsr.json": "{\"name\": \"@bad/other\", \"exports\": \"./mod.ts\"}", "mod.ts": "export {};"])),
        ("configFileVersionMismatch", JSRFixture.tarball(["jsr.json": "{\"name\": \"@bad/pkg\", \"version\": \"2.0.0\", \"exports\": \"./mod.ts\"}", "mod.ts": "export {};"])),
        ("configFileExportsInvalid", JSRFixture.tarball(["jsr.json": "{\"name\": \"@bad/pkg\"}", "mod.ts": "export {};"])),
        ("configFileExportsInvalid", JSRFixture.tarball(["jsr.json": "{\"name\": \"@bad/pkg\", \"exports\": \"./missing.ts\"}", "mod.ts": "export {};"])),
        ("configFileExportsInvalid", JSRFixture.tarball(["jsr.json": "{\"name\": \"@bad/pkg\", \"exports\": {\"util\": \"./mod.ts\"}}", "mod.ts": "export {};"])),
        ("invalidJsrSpecifier", JSRFixture.tarball(["jsr.json": config, "mod.ts": "import \"jsr:not-a-scope@1\";"])),
        ("invalidNpmSpecifier", JSRFixture.tarball(["jsr.json": config, "mod.ts": "import \"npm:Bad Name@1\";"])),
        ("missingConstraint", JSRFixture.tarball(["jsr.json": config, "mod.ts": "import \"jsr:@std/fmt\";"])),
        ("missingConstraint", JSRFixture.tarball(["jsr.json": config, "mod.ts": "import \"npm:preact\";"])),
        ("graphError", JSRFixture.tarball(["jsr.json": config, "mod.ts": "import \"./nowhere.ts\";"])),
        ("fileTooLarge", JSRFixture.tarball(["jsr.json": config, "mod.ts": "export {};", "big.txt": String(repeating: "x", count: 3000)])),
        ("packageTooLarge", JSRFixture.tarball(["jsr.json": config, "mod.ts": "export {};", "a.txt": String(repeating: "a", count: 1800), "b.txt": String(repeating: "b", count: 1800), "c.txt": String(repeating: "c", count: 1800)])),
    ]

    @Test func everyFailureClassHasItsCode() async throws {
        try await JSRFixture.with(configure: { $0.jsrLimits.package.maxFileSize = 2000; $0.jsrLimits.package.maxPackageSize = 5000 }) { jsr in
            let alice = try await jsr.login("alice")
            try await jsr.makePackage("bad", "pkg", token: alice)
            for (index, failure) in Self.cases.enumerated() {
                let task = try await jsr.publishAndWait("bad", "pkg", "1.0.0", tarball: failure.tarball, token: alice)
                #expect(task["status"] as? String == "failure", "case \(index) \(failure.code)")
                let error = task["error"] as? [String: Any]
                #expect(error?["code"] as? String == failure.code, "case \(index): \(String(describing: error))")
                #expect((error?["message"] as? String)?.isEmpty == false, "case \(index)")
                // Nothing of the failed version is visible.
                #expect(try await jsr.get("/api/scopes/bad/packages/pkg/versions/1.0.0").code == "packageVersionNotFound", "case \(index)")
                #expect(try await jsr.get("/@bad/pkg/1.0.0_meta.json").status == 404, "case \(index)")
                #expect(try await jsr.get("/@bad/pkg/1.0.0/mod.ts").status == 404, "case \(index)")
            }
            #expect(try await jsr.get("/@bad/pkg/meta.json").status == 404)
            let good = JSRFixture.tarball(["jsr.json": Self.config, "mod.ts": "export const ok = true;\n"])
            #expect(try await jsr.publishAndWait("bad", "pkg", "1.0.0", tarball: good, token: alice)["status"] as? String == "success")
        }
    }
}
