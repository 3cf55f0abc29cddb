// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Prefer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "prefer", targets: ["prefer"]),
        .library(name: "PreferCore", targets: ["PreferCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Domain types and all statistics. Pure: no I/O, no server, no database.
        .target(name: "PreferCore"),
        // The command-line tool's commands, as a library so that tests can run them in-process.
        .target(
            name: "PreferCommands",
            dependencies: [
                "PreferCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "prefer",
            dependencies: ["PreferCommands", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "PreferCoreTests", dependencies: ["PreferCore"]),
        .testTarget(name: "PreferCommandsTests", dependencies: ["PreferCommands", "PreferCore"]),
    ]
)
