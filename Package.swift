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
        .library(name: "CEL", targets: ["CEL"]),
        .library(name: "StageSetAPI", targets: ["StageSetAPI"]),
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
        // CEL: Common Expression Language for readiness expressions.
        .target(name: "CEL", dependencies: ["KubeModel"], swiftSettings: swiftSettings),
        // API band.
        .target(
            name: "StageSetAPI",
            dependencies: [
                "KubeModel",
                "CEL",
                .product(name: "Version", package: "Version"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // Tests.
        .testTarget(name: "CLibraryTests", dependencies: ["CCurl", "CYAML", "CGPGME", "CArchive"], swiftSettings: swiftSettings),
        .testTarget(name: "KubeModelTests", dependencies: ["KubeModel"], swiftSettings: swiftSettings),
        .testTarget(name: "CELTests", dependencies: ["CEL"], swiftSettings: swiftSettings),
        .testTarget(name: "StageSetAPITests", dependencies: ["StageSetAPI", "KubeModel"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
