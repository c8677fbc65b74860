import Semver
import Testing
@testable import ImportMaps

@Suite struct InstallTargetTests {
    @Test(arguments: [
        ("react", "react", "react", nil as String?, "."),
        ("react@18", "react", "react", "18", "."),
        ("npm:react@^18.2.0", "react", "react", "^18.2.0", "."),
        ("react@18/jsx-runtime", "react", "react", "18", "./jsx-runtime"),
        ("react/jsx-runtime", "react", "react", nil, "./jsx-runtime"),
        ("@babel/core@7.24.0", "@babel/core", "@babel/core", "7.24.0", "."),
        ("@lit/reactive-element/decorators.js", "@lit/reactive-element", "@lit/reactive-element", nil, "./decorators.js"),
        ("r=react@17", "r", "react", "17", "."),
        ("lit@", "lit", "lit", "", "."),
    ])
    func targetsAreParsed(text: String, alias: String, name: String, range: String?, subpath: String) throws {
        let target = try InstallTarget.parse(text)
        #expect(target.alias == alias)
        #expect(target.name == name)
        #expect(target.range == range)
        #expect(target.subpath == subpath)
    }

    @Test func theMapKeyJoinsAliasAndSubpath() throws {
        #expect(try InstallTarget.parse("react@18/jsx-runtime").key == "react/jsx-runtime")
        #expect(try InstallTarget.parse("r=react").key == "r")
    }

    @Test func jsrTargetsNameAScopedPackage() throws {
        let target = try InstallTarget.parse("fmt=jsr:@std/fmt@^1.0.0/colors")
        #expect(target.source == .jsr)
        #expect(target.name == "@std/fmt")
        #expect(target.range == "^1.0.0")
        #expect(target.subpath == "./colors")
        #expect(target.key == "fmt/colors")
        #expect(try InstallTarget.parse("npm:react@18").source == .npm)
    }

    @Test(arguments: ["", "@scope", "React", "=react", "jsr:std/path", "jsr:@std"])
    func badTargetsAreRefused(text: String) {
        #expect(throws: ImportMapError.self) { try InstallTarget.parse(text) }
    }

    @Test func versionsArePickedAsNpmDoes() {
        let versions = VersionCatalog.Versions(
            all: ["1.0.0", "1.2.0", "2.0.0", "2.1.0-beta.1", "3.0.0-rc.1"].compactMap { Version($0) },
            distTags: ["latest": "2.0.0", "next": "3.0.0-rc.1"]
        )
        #expect(VersionCatalog.pick(nil, from: versions)?.description == "2.0.0")
        #expect(VersionCatalog.pick("", from: versions)?.description == "3.0.0-rc.1")
        #expect(VersionCatalog.pick("^1", from: versions)?.description == "1.2.0")
        #expect(VersionCatalog.pick("next", from: versions)?.description == "3.0.0-rc.1")
        #expect(VersionCatalog.pick("^4", from: versions) == nil)
        let untagged = VersionCatalog.Versions(all: versions.all, distTags: [:])
        #expect(VersionCatalog.pick(nil, from: untagged)?.description == "2.0.0", "highest stable without a latest tag")
    }
}
