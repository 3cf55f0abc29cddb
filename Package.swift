// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Prefer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "prefer", targets: ["prefer"]),
        .library(name: "PreferCore", targets: ["PreferCore"]),
        .library(name: "PreferStore", targets: ["PreferStore"]),
        .library(name: "PreferServer", targets: ["PreferServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
    ],
    targets: [
        // Domain types and all statistics. Pure: no I/O, no server, no database.
        .target(name: "PreferCore"),
        // Persistence behind one protocol; one SQL implementation (SQLKit) for SQLite and PostgreSQL.
        .target(
            name: "PreferStore",
            dependencies: [
                "PreferCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The Hummingbird application: JSON API, pages, metrics.
        .target(
            name: "PreferServer",
            dependencies: [
                "PreferCore",
                "PreferStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")]
        ),
        // The command-line tool's commands, as a library so that tests can run them in-process.
        .target(
            name: "PreferCommands",
            dependencies: [
                "PreferCore",
                "PreferStore",
                "PreferServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // Data releases: pseudonyms (HMAC-SHA-256) and checksums.
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "prefer",
            dependencies: ["PreferCommands", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // What the test targets share: the reference files (one copy, one way to find them).
        .target(name: "PreferTestSupport", path: "Tests/PreferTestSupport", resources: [.copy("testdata")]),
        .testTarget(name: "PreferCoreTests", dependencies: ["PreferCore", "PreferTestSupport"]),
        .testTarget(
            name: "PreferStoreTests",
            dependencies: [
                "PreferStore", "PreferCore",
                // To create and drop a database per test on the test server.
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PreferServerTests",
            dependencies: [
                "PreferServer", "PreferStore", "PreferCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "PreferCommandsTests", dependencies: ["PreferCommands", "PreferCore", "PreferTestSupport"]),
    ]
)
