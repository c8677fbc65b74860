import Testing
@testable import ImportMaps

@Suite struct ProviderTests {
    @Test(arguments: [
        ("ga.jspm.io", "/npm:react@18.2.0/index.js", Provider.jspm, "react@18.2.0", "index.js"),
        ("ga.jspm.io", "/npm:@babel/core@7.24.0/lib/index.js", .jspm, "@babel/core@7.24.0", "lib/index.js"),
        ("unpkg.com", "/lit@3.1.0/index.js", .unpkg, "lit@3.1.0", "index.js"),
        ("cdn.jsdelivr.net", "/npm/@lit/reactive-element@2.0.0/x.js", .jsdelivr, "@lit/reactive-element@2.0.0", "x.js"),
        ("esm.sh", "/react@18.2.0", .esmSh, "react@18.2.0", ""),
        ("esm.sh", "/v135/react@18.2.0/es2022/react.mjs", .esmSh, "react@18.2.0", "es2022/react.mjs"),
        // JSPM's esm.sh layout (src/providers/esmsh.ts pkgToUrl: `${cdnUrl}*${name}@${version}/`).
        ("esm.sh", "/*react@18.3.1/index.js", .esmSh, "react@18.3.1", "index.js"),
    ])
    func packagesAreFoundInCDNURLs(host: String, path: String, provider: Provider, package: String, file: String) throws {
        let (found, id, rest) = try #require(Provider.locate(host: host, path: Substring(path)))
        #expect(found == provider)
        #expect(id.description == package)
        #expect(rest == file)
    }

    @Test(arguments: [
        ("ga.jspm.io", "/npm:react@18/index.js"), ("ga.jspm.io", "/react@18.2.0/x.js"), ("unpkg.com", "/react/index.js"),
        ("cdn.jsdelivr.net", "/gh/user/repo@1.0.0/x.js"), ("example.com", "/react@18.2.0/x.js"), ("unpkg.com", "/React@18.2.0/x.js"),
    ])
    func otherURLsAreNotPackages(host: String, path: String) {
        #expect(Provider.locate(host: host, path: Substring(path)) == nil)
    }

    /// The layouts of src/providers/*.ts `pkgToUrl` in jspm/jspm's generator 2.16.3 (unchanged since jspm/generator 2.5.1).
    @Test(arguments: [
        (Provider.jspm, "https://ga.jspm.io/npm:@babel/core@7.24.0/"), (.jspmSystem, "https://ga.system.jspm.io/npm:@babel/core@7.24.0/"),
        (.unpkg, "https://unpkg.com/@babel/core@7.24.0/"), (.jsdelivr, "https://cdn.jsdelivr.net/npm/@babel/core@7.24.0/"),
        (.esmSh, "https://esm.sh/*@babel/core@7.24.0/"),
    ])
    func packageRootsAreJSPMs(provider: Provider, root: String) throws {
        let package = try #require(PackageID("@babel/core@7.24.0"))
        #expect("https://\(provider.host)\(provider.packagePath(package))" == root)
        let (found, file) = try #require(provider.package(inPath: Substring(root.dropFirst("https://\(provider.host)".count)) + "lib/index.js"))
        #expect(found == package)
        #expect(file == "lib/index.js")
    }
}
