// swift-tools-version:6.2
import PackageDescription

/// Targets follow DESIGN.md: one per concern, data flowing request → route → domain → Storage.
let package = Package(
    name: "wharf",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wharf", targets: ["wharf"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .target(
            name: "Storage",
            dependencies: [
                "CLMDB",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "Semver"),
        // The one JSON tree (ordered, JSONC as an option) of everything above it.
        .target(name: "JSON"),
        // Wharf's URL layout: the prefixes routes match and the URLs domain code writes.
        .target(name: "URLLayout"),
        .target(name: "ModuleLexer"),
        .target(
            name: "Tarball",
            dependencies: [
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Registry",
            dependencies: [
                "Storage", "Tarball", "Semver", "ModuleLexer", "JSON", "URLLayout",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        .target(
            name: "EdgeCache",
            dependencies: [
                "Storage", "ModuleLexer", "Tarball", "URLLayout",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "ImportMaps",
            dependencies: [
                "EdgeCache", "Registry", "Semver", "Storage", "ModuleLexer", "JSON", "URLLayout",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "WharfServer",
            dependencies: [
                "Storage", "EdgeCache", "Registry", "Tarball", "Semver", "ImportMaps", "JSON", "URLLayout",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "wharf",
            dependencies: [
                "WharfServer", "Storage", "EdgeCache", "ImportMaps", "JSON", "URLLayout",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The fuzz targets of every parser that reads client or upstream bytes (scripts/fuzz), and
        // the executable libFuzzer drives; the corpora replay in FuzzCorpusTests.
        .target(
            name: "FuzzTargets",
            dependencies: [
                "Tarball", "ModuleLexer", "Semver", "JSON", "EdgeCache", "Registry", "ImportMaps", "WharfServer",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "wharf-fuzz", dependencies: ["FuzzTargets"]),
        // Temporary directories and stores for the tests below the server: Storage and Foundation only,
        // so StorageTests and RegistryTests build without Hummingbird.
        .target(name: "StoreTestSupport", dependencies: ["Storage"], path: "Tests/StoreSupport"),
        // Origins, servers and clients shared by the test targets (and StoreTestSupport, re-exported);
        // never linked into `wharf`.
        .target(
            name: "WharfTestSupport",
            dependencies: [
                "WharfServer", "StoreTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support"
        ),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "StoreTestSupport"]),
        .testTarget(name: "SemverTests", dependencies: ["Semver"], exclude: ["Fixtures/generate.js"]),
        .testTarget(
            name: "TarballTests",
            dependencies: [
                "Tarball",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "Storage", "Tarball", "Semver", "StoreTestSupport"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "ImportMapsTests", dependencies: ["ImportMaps", "JSON", "WharfServer", "WharfTestSupport", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(name: "ModuleLexerTests", dependencies: ["ModuleLexer"]),
        .testTarget(name: "EdgeCacheTests", dependencies: [
            "EdgeCache", "Storage", "WharfTestSupport", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .testTarget(
            name: "WharfServerTests",
            dependencies: [
                "WharfServer", "EdgeCache", "Storage", "Registry", "Tarball", "WharfTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzTargets"], exclude: ["Corpus"]),
        .testTarget(
            name: "WharfTests",
            dependencies: ["WharfTestSupport", "Tarball", "JSON", .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
    ]
)
