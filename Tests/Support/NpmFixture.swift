import Foundation
import Hummingbird

/// A small npm world for generator tests: packuments (registry.npmjs.org), files (ga.jspm.io
/// layout) and download listings (api.jspm.io), with conditions, legacy fields, a shared
/// dependency, a version conflict, a dynamic import and a prerelease.
public enum NpmFixture {
    /// name → version → files (path → text); the package.json is one of the files.
    public static let packages: [String: [String: [String: String]]] = [
        "app-lib": ["1.0.0": [
            "package.json": #"{"name":"app-lib","version":"1.0.0","exports":{".":{"browser":"./browser.js","default":"./index.js"},"./feature/*":"./src/feature/*.js","./private/*":null},"dependencies":{"shared":"^1.0.0","dyn":"1"}}"#,
            "browser.js": "import shared from \"shared\";\nexport const lazy = () => import(\"dyn\");\nexport default shared;\n",
            "index.js": "export default 'server';\n",
            "src/feature/a.js": "import { helper } from './helper.js';\nexport const a = helper;\n",
            "src/feature/helper.js": "export const helper = 1;\n",
            "test/spec.js": "import '../index.js';\n",
        ]],
        "other": ["2.0.0": [
            "package.json": #"{"name":"other","version":"2.0.0","main":"lib/main","dependencies":{"shared":"^1.1.0"}}"#,
            "lib/main.js": "import 'shared';\nexport const other = 2;\n",
        ]],
        "conflict": ["1.0.0": [
            "package.json": #"{"name":"conflict","version":"1.0.0","module":"index.js","dependencies":{"shared":"^2.0.0"}}"#,
            "index.js": "export { default } from 'shared';\n",
        ]],
        "peer-user": ["1.0.0": [
            "package.json": #"{"name":"peer-user","version":"1.0.0","exports":"./index.js","peerDependencies":{"shared":"^2.0.0"}}"#,
            "index.js": "import shared from 'shared';\nexport default shared;\n",
        ]],
        "broken-mod": ["1.0.0": [
            "package.json": #"{"name":"broken-mod","version":"1.0.0","exports":"./index.js"}"#,
            "index.js": "import './missing.js';\n",
        ]],
        "dyn": ["1.0.0": [
            "package.json": #"{"name":"dyn","version":"1.0.0","exports":"./index.js"}"#,
            "index.js": "export const d = 1;\n",
        ]],
        // A package without exports whose files a dependent imports by subpath (`kit/a.js`, `kit/b.js`):
        // what `combineSubpaths` folds into one `kit/` mapping.
        "kit": ["1.0.0": [
            "package.json": #"{"name":"kit","version":"1.0.0"}"#,
            "index.js": "export const kit = 'kit';\n",
            "a.js": "export const a = 'a';\n",
            "b.js": "export const b = 'b';\n",
        ]],
        "uses-kit": ["1.0.0": [
            "package.json": #"{"name":"uses-kit","version":"1.0.0","exports":"./index.js","dependencies":{"kit":"^1.0.0"}}"#,
            "index.js": "import { kit } from 'kit';\nimport { a } from 'kit/a.js';\nimport { b } from 'kit/b.js';\nexport default kit + ' ' + a + b;\n",
        ]],
        // An identity `*` export (`./modules/*` → `./modules/*`) and a dependent importing two files
        // under it: what 2.16.3 writes as one `wild/modules/` mapping unless `expandWildcards`.
        "wild": ["1.0.0": [
            "package.json": #"{"name":"wild","version":"1.0.0","exports":{".":"./index.js","./modules/*":"./modules/*"}}"#,
            "index.js": "export const wild = 'wild';\n",
            "modules/a.js": "export const a = 'a';\n",
            "modules/b.js": "export const b = 'b';\n",
        ]],
        // 2.16.3's test/resolve/wildcard-subpaths-suffix and -mixed fixtures: `./foo/*.js` → `./src/*.js`,
        // with only .js files under src/, and with a .txt file there too.
        "wild-suffix": ["1.0.0": [
            "package.json": #"{"name":"wild-suffix","version":"1.0.0","exports":{"./foo/*.js":"./src/*.js"}}"#,
            "src/a.js": "export const a = 'a';\n",
            "src/b.js": "export const b = 'b';\n",
        ]],
        "wild-mixed": ["1.0.0": [
            "package.json": #"{"name":"wild-mixed","version":"1.0.0","exports":{"./foo/*.js":"./src/*.js"}}"#,
            "src/a.js": "export const a = 'a';\n",
            "src/b.js": "export const b = 'b';\n",
            "src/secret.txt": "not exported\n",
        ]],
        "uses-wild": ["1.0.0": [
            "package.json": #"{"name":"uses-wild","version":"1.0.0","exports":"./index.js","dependencies":{"wild":"^1.0.0"}}"#,
            "index.js": "import { a } from 'wild/modules/a.js';\nimport { b } from 'wild/modules/b.js';\nexport default a + b;\n",
        ]],
        "pre": [
            "0.9.0": ["package.json": #"{"name":"pre","version":"0.9.0","main":"index.js"}"#, "index.js": "export const v = '0.9.0';\n"],
            "1.0.0-beta.1": ["package.json": #"{"name":"pre","version":"1.0.0-beta.1","main":"index.js"}"#, "index.js": "export const v = 'beta';\n"],
        ],
        // Node built-ins: a package that imports them without listing them, a dependency named
        // like one, and @jspm/core's polyfills (the highest version, a prerelease, is the one used).
        "uses-builtins": ["1.0.0": [
            "package.json": #"{"name":"uses-builtins","version":"1.0.0","exports":"./index.js","dependencies":{"events":"^3.0.0"}}"#,
            "index.js": "import { randomUUID } from 'crypto';\nimport { readFile } from 'node:fs/promises';\nimport { EventEmitter } from 'events';\nexport const id = randomUUID() + ' ' + typeof readFile + ' ' + EventEmitter.name;\n",
        ]],
        "events": ["3.3.0": [
            "package.json": #"{"name":"events","version":"3.3.0","main":"events.js"}"#,
            "events.js": "export class EventEmitter {}\n",
        ]],
        "@jspm/core": [
            "2.0.1": [
                "package.json": #"{"name":"@jspm/core","version":"2.0.1","exports":{"./nodelibs/*":{"node":"./nodelibs/node/*.js","default":"./nodelibs/browser/*.js"}}}"#,
                "nodelibs/browser/crypto.js": "export const randomUUID = () => 'old';\n",
            ],
            "2.1.0-beta.1": [
                "package.json": #"{"name":"@jspm/core","version":"2.1.0-beta.1","exports":{"./nodelibs/*":{"node":"./nodelibs/node/*.js","default":"./nodelibs/browser/*.js"}}}"#,
                "nodelibs/browser/crypto.js": "import { hex } from './chunk-hex.js';\nexport const randomUUID = () => 'uuid-' + hex;\n",
                "nodelibs/browser/chunk-hex.js": "export const hex = 'beef';\n",
                "nodelibs/browser/fs.js": "export const readFile = async () => '';\nexport default { readFile };\n",
            ],
        ],
        "shared": [
            "1.0.0": ["package.json": #"{"name":"shared","version":"1.0.0","module":"esm/index.js","main":"cjs/index.js"}"#, "esm/index.js": "export default 'shared 1.0.0';\n"],
            "1.1.0": ["package.json": #"{"name":"shared","version":"1.1.0","module":"esm/index.js","main":"cjs/index.js"}"#, "esm/index.js": "export default 'shared 1.1.0';\n"],
            "2.0.0": ["package.json": #"{"name":"shared","version":"2.0.0","module":"esm/index.js","main":"cjs/index.js"}"#, "esm/index.js": "export default 'shared 2.0.0';\n"],
        ],
    ]

    public static var routes: [String: TestOrigin.Handler] {
        var routes: [String: TestOrigin.Handler] = [:]
        for (name, versions) in packages {
            let tags = name == "pre" ? #"{"latest":"0.9.0"}"# : "{}"
            let list = versions.keys.sorted().map { "\"\($0)\":{}" }.joined(separator: ",")
            routes["/\(name)"] = TestOrigin.file(Array(#"{"name":"\#(name)","dist-tags":\#(tags),"versions":{\#(list)}}"#.utf8), contentType: "application/json", cacheControl: "public, max-age=300")
            for (version, files) in versions {
                for (path, text) in files {
                    // ga.jspm.io's layout and unpkg's (the same files).
                    routes["/npm:\(name)@\(version)/\(path)"] = TestOrigin.file(Array(text.utf8))
                    routes["/\(name)@\(version)/\(path)"] = TestOrigin.file(Array(text.utf8))
                }
                let listing = try! JSONSerialization.data(withJSONObject: ["\(name)@\(version)": ["pkgUrl": "https://ga.jspm.io/npm:\(name)@\(version)/", "files": files.keys.sorted()]])
                routes["/download/\(name)@\(version)"] = TestOrigin.file(Array(listing), contentType: "application/json")
            }
        }
        return routes
    }

}
