import Testing
@testable import Registry

@Suite struct PackageNameTests {
    @Test(arguments: ["fuzz", "@eik/fuzz", "lodash.merge", "a-b_c~d", "x1", "@s/n.js", String(repeating: "a", count: 214)])
    func validNamesPass(name: String) throws {
        #expect(try PackageName(name).value == name)
    }

    @Test(arguments: [
        "", "Fuzz", ".hidden", "_under", "a b", " fuzz", "fuzz ", "@scope", "@scope/", "@/name", "@s/n/x", "a/b",
        "../x", "na%me", "naïve", "node_modules", "favicon.ico", "@s/.n", String(repeating: "a", count: 215), "a:b", "a\\b",
    ])
    func invalidNamesAreRefused(name: String) {
        #expect(throws: RegistryError.self) { try PackageName(name) }
    }

    @Test func versionsMustBeStrictSemver() throws {
        #expect(try EikRegistry.version("8.4.1").description == "8.4.1")
        #expect(try EikRegistry.version("1.0.0-rc.1").major == 1)
        for bad in ["8.4", "v8.4.1", "8.4.1.0", "^8.4.1", "08.4.1", "latest", ""] {
            #expect(throws: RegistryError.self, "\(bad)") { try EikRegistry.version(bad) }
        }
        #expect(try EikRegistry.major("8") == 8)
        #expect(throws: RegistryError.self) { try EikRegistry.major("8.1") }
        #expect(throws: RegistryError.self) { try EikRegistry.major("") }
    }

    @Test func integrityIsSha512OverSortedFileIntegrities() {
        #expect(Integrity.sha512(Array("abc".utf8)) == "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==")
        #expect(Integrity.ofFiles(["b", "a"]) == Integrity.sha512(Array("ab".utf8)))
    }
}
