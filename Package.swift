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
        .executable(name: "stagesetctl", targets: ["stagesetctl"]),
        .executable(name: "stageset-controller", targets: ["stageset-controller"]),
        .executable(name: "stageset-crdgen", targets: ["stageset-crdgen"]),
        .executable(name: "stageset-sops-bench", targets: ["stageset-sops-bench"]),
        .library(name: "KubeModel", targets: ["KubeModel"]),
        .library(name: "YAML", targets: ["YAML"]),
        .library(name: "CEL", targets: ["CEL"]),
        .library(name: "Health", targets: ["Health"]),
        .library(name: "StageSetAPI", targets: ["StageSetAPI"]),
        .library(name: "CRDGenerator", targets: ["CRDGenerator"]),
        .library(name: "StageSetCLI", targets: ["StageSetCLI"]),
        .library(name: "Curl", targets: ["Curl"]),
        .library(name: "KubeAPI", targets: ["KubeAPI"]),
        .library(name: "KubeClient", targets: ["KubeClient"]),
        .library(name: "Render", targets: ["Render"]),
        .library(name: "KubeEmbedded", targets: ["KubeEmbedded"]),
        .library(name: "StageSetTesting", targets: ["StageSetTesting"]),
        .plugin(name: "GenerateCRDs", targets: ["GenerateCRDs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/mxcl/Version", from: "2.2.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C band: modulemap + shim.h only.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CGPGME", pkgConfig: "gpgme", providers: [.apt(["libgpgme-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Wrappers: the only modules that import C.
        .target(name: "YAML", dependencies: ["CYAML", "KubeModel"], swiftSettings: swiftSettings),
        .target(name: "Curl", dependencies: ["CCurl"], swiftSettings: swiftSettings),
        .target(name: "GPGME", dependencies: ["CGPGME"], swiftSettings: swiftSettings),
        .target(name: "Archive", dependencies: ["CArchive"], swiftSettings: swiftSettings),
        // AES-256-GCM with IVs of any length (sops' 32-byte IVs), AES-NI + CLMUL.
        .target(name: "OpenSSLCrypto", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),

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
                "KubeModel", "CEL",
                .product(name: "Version", package: "Version"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),

        // Client band: the KubernetesClient protocol (no I/O) and the live client over Curl.
        .target(name: "KubeAPI", dependencies: ["KubeModel"], swiftSettings: swiftSettings),
        .target(name: "KubeClient", dependencies: ["KubeAPI", "Curl", "KubeModel", "YAML"], swiftSettings: swiftSettings),
        // Plugin protocols and the registry.
        .target(
            name: "StageSetCore",
            dependencies: ["KubeModel", "KubeAPI", "StageSetAPI", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // Engines.
        // SOPS: the document engine plus the age and AWS KMS decryptors; PGP lives apart (the GPGME importer).
        .target(
            name: "StageSetDecryptors",
            dependencies: [
                "StageSetCore", "KubeModel", "KubeAPI", "YAML", "Curl", "OpenSSLCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Source resolvers (Flux source kinds and producers).
        .target(name: "StageSetSources", dependencies: ["StageSetCore", "KubeAPI", "KubeModel", "StageSetAPI"], swiftSettings: swiftSettings),
        .target(name: "StageSetDecryptorPGP", dependencies: ["StageSetCore", "GPGME"], swiftSettings: swiftSettings),
        .target(
            name: "StageSetActions",
            dependencies: ["StageSetCore", "StageSetAPI", "KubeAPI", "KubeModel", "CEL", "YAML"],
            swiftSettings: swiftSettings
        ),
        .target(name: "Health", dependencies: ["KubeModel", "CEL"], swiftSettings: swiftSettings),
        // Artifacts: download, digest check and safe extraction of source artifacts.
        .target(
            name: "Artifacts",
            dependencies: ["Archive", "Curl", "StageSetCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Apply: server-side apply and the kstatus/CEL verify wait, as pipeline steps.
        .target(
            name: "Apply",
            dependencies: [
                "StageSetCore", "KubeAPI", "KubeModel", "StageSetAPI", "Health",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Render: kustomize-compatible build, stage patches and postBuild substitution.
        .target(name: "Render", dependencies: ["KubeModel", "YAML", "StageSetAPI", "StageSetCore", "KubeAPI"], swiftSettings: swiftSettings),

        // A small plain-HTTP server (artifact serving, health probes).
        .target(
            name: "PlainHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // Embedded Kubernetes-API-compatible server for end-to-end tests and the no-cluster default.
        .target(
            name: "KubeEmbedded",
            dependencies: [
                "KubeModel", "YAML", "CEL", "Archive", "PlainHTTP",
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // Generators: our controller-gen, as a library, a thin executable and a command plugin.
        .target(name: "CRDGenerator", dependencies: ["StageSetAPI", "KubeModel", "YAML"], swiftSettings: swiftSettings),
        .executableTarget(name: "stageset-crdgen", dependencies: ["CRDGenerator"], swiftSettings: swiftSettings),
        .plugin(
            name: "GenerateCRDs",
            capability: .command(
                intent: .custom(verb: "generate-crds", description: "Write deploy/crds from the StageSetAPI types"),
                permissions: [.writeToPackageDirectory(reason: "Writes the generated CRDs into deploy/crds")]
            ),
            dependencies: ["stageset-crdgen"]
        ),

        // Wiring: the composition root (every built-in plugin and the steps in order).
        .target(
            name: "StageSetRuntime",
            dependencies: [
                "StageSetCore", "StageSetSources", "StageSetDecryptors", "StageSetDecryptorPGP", "StageSetActions", "Artifacts",
                "Render", "Apply",
            ],
            swiftSettings: swiftSettings
        ),

        // Apps.
        .target(
            name: "StageSetController",
            dependencies: [
                "StageSetCore", "StageSetAPI", "StageSetRuntime", "KubeAPI", "KubeClient", "KubeModel", "KubeEmbedded",
                "CRDGenerator", "YAML", "PlainHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "stageset-controller", dependencies: ["StageSetController"], swiftSettings: swiftSettings),
        .target(
            name: "StageSetCLI",
            dependencies: [
                "StageSetAPI", "KubeModel", "YAML", "CEL", "Health", "Render",
                "StageSetCore", "StageSetDecryptors", "StageSetDecryptorPGP", "KubeEmbedded",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "stagesetctl", dependencies: ["StageSetCLI"], swiftSettings: swiftSettings),

        // Benchmarks (run with Benchmarks/run.sh; figures in BENCHMARKS.md).
        .executableTarget(
            name: "stageset-bench",
            dependencies: ["YAML", "KubeModel", "CEL"],
            path: "Benchmarks/StageSetBench",
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "kube-bench",
            dependencies: ["KubeClient", "KubeAPI", "KubeEmbedded", "KubeModel", "YAML"],
            path: "Benchmarks/KubeBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "render-bench",
            dependencies: ["Render", "YAML", "KubeModel"],
            path: "Benchmarks/RenderBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "stageset-sops-bench",
            dependencies: ["StageSetDecryptors", "YAML", "KubeModel", .product(name: "Crypto", package: "swift-crypto")],
            path: "Benchmarks/SOPSBench",
            swiftSettings: swiftSettings
        ),

        // Helpers for our tests and for extension authors' tests.
        .target(name: "StageSetTesting", swiftSettings: swiftSettings),

        // Tests.
        .testTarget(name: "CLibraryTests", dependencies: ["CCurl", "CYAML", "CGPGME", "CArchive"], swiftSettings: swiftSettings),
        .testTarget(name: "KubeModelTests", dependencies: ["KubeModel", "StageSetTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OpenSSLCryptoTests",
            dependencies: ["OpenSSLCrypto", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "KubeModel", "StageSetTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CELTests", dependencies: ["CEL"], exclude: ["Support/celpy_oracle.py"], swiftSettings: swiftSettings),
        .testTarget(name: "HealthTests", dependencies: ["Health", "KubeModel", "YAML", "CEL"], swiftSettings: swiftSettings),
        .testTarget(name: "StageSetAPITests", dependencies: ["StageSetAPI", "KubeModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CRDGeneratorTests",
            dependencies: ["CRDGenerator", "StageSetAPI", "YAML", "KubeModel", "KubeAPI", "KubeClient", "KubeEmbedded", "StageSetTesting"],
            swiftSettings: swiftSettings),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "StageSetTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "KubeAPITests", dependencies: ["KubeAPI", "KubeModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KubeClientTests",
            dependencies: ["KubeClient", "KubeAPI", "Curl", "KubeModel", "YAML", "KubeEmbedded", "StageSetTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RenderTests", dependencies: ["Render", "KubeModel", "YAML", "StageSetAPI", "StageSetCLI", "StageSetTesting"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KubeEmbeddedTests",
            dependencies: [
                "KubeEmbedded", "KubeModel", "YAML", "CCurl", "StageSetTesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StageSetDecryptorsTests",
            dependencies: [
                "StageSetDecryptors", "StageSetDecryptorPGP", "StageSetCore", "KubeModel", "YAML", "Curl",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "StageSetController", "StageSetRuntime", "StageSetCore", "StageSetAPI", "KubeClient", "KubeAPI", "KubeModel",
                "KubeEmbedded", "YAML", "StageSetTesting", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StageSetActionsTests",
            dependencies: [
                "StageSetActions", "StageSetCore", "StageSetAPI", "KubeClient", "KubeAPI", "KubeModel", "KubeEmbedded", "YAML",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StageSetSourcesTests",
            dependencies: ["StageSetSources", "StageSetCore", "StageSetAPI", "KubeClient", "KubeAPI", "KubeModel", "KubeEmbedded"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StageSetControllerTests",
            dependencies: ["StageSetController", "StageSetAPI", "StageSetCore", "KubeModel", "Curl"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArtifactsTests",
            dependencies: [
                "Artifacts", "Archive", "KubeEmbedded", "KubeClient", "KubeAPI", "KubeModel", "StageSetCore",
                "StageSetAPI", "StageSetTesting", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ApplyTests",
            dependencies: [
                "Apply", "StageSetCore", "StageSetAPI", "KubeAPI", "KubeModel", "Health", "KubeClient", "KubeEmbedded",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "StageSetCLITests", dependencies: ["StageSetCLI", "YAML", "KubeModel", "StageSetTesting"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
