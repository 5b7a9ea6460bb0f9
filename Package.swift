// swift-tools-version: 6.1
import PackageDescription

/// One settings block for every target.
let swiftSettings: [SwiftSetting] = [
    // SE-0335: `any` spelled out for existentials.
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "stageset-controller",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "KubeModel", targets: ["KubeModel"]),
        .library(name: "YAML", targets: ["YAML"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/mxcl/Version", from: "2.2.1"),
    ],
    targets: [
        // C band: modulemap + shim.h only.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CGPGME", pkgConfig: "gpgme", providers: [.apt(["libgpgme-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),

        // Model band.
        .target(
            name: "KubeModel",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),
        .target(name: "YAML", dependencies: ["CYAML", "KubeModel"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "stageset-bench",
            dependencies: ["YAML", "KubeModel"],
            path: "Benchmarks/StageSetBench",
            swiftSettings: swiftSettings
        ),
        // Engines.
        .target(name: "Health", dependencies: ["KubeModel"], swiftSettings: swiftSettings),

        // Tests.
        .testTarget(name: "CLibraryTests", dependencies: ["CCurl", "CYAML", "CGPGME", "CArchive"], swiftSettings: swiftSettings),
        .testTarget(name: "KubeModelTests", dependencies: ["KubeModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "YAMLTests",
            dependencies: ["YAML", "KubeModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HealthTests", dependencies: ["Health", "KubeModel", "YAML"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
