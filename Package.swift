// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "swift-webhook-signature",
    products: [
        .library(name: "WebhookSignature", targets: ["WebhookSignature"]),
        .executable(name: "whsig", targets: ["whsig"]),
        .library(name: "WebhookSignatureHummingbird", targets: ["WebhookSignatureHummingbird"]),
        .library(name: "FluentEvent", targets: ["FluentEvent"]),
        // The C library (include/whsig.h); scripts/install-c-library installs it as libwhsig.so.
        .library(name: "WebhookSignatureC", type: .dynamic, targets: ["CWebhookSignature"]),
        // The raw OpenSSL and libgcrypt reference loops that `whsig speed` and Benchmarks/ compare against.
        .library(name: "RawCrypto", targets: ["RawCrypto"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Hummingbird's default traits pull in swift-configuration; none of it is used here.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            path: "CShims/COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CGcrypt",
            path: "CShims/CGcrypt",
            pkgConfig: "libgcrypt",
            providers: [.apt(["libgcrypt20-dev"])]
        ),
        .target(
            name: "WebhookSignature",
            dependencies: [
                "COpenSSL",
                "CGcrypt",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
            ]
        ),
        // The raw library references (OpenSSL, libgcrypt), in C so that they measure the libraries
        // alone: one copy, used by `whsig speed` and by the Benchmarks package.
        .target(
            name: "RawCrypto",
            linkerSettings: [.linkedLibrary("crypto"), .linkedLibrary("gcrypt"), .linkedLibrary("dl")]
        ),
        .executableTarget(
            name: "whsig",
            dependencies: [
                "WebhookSignature",
                // `whsig speed` times the raw libraries next to this one.
                "RawCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "WebhookSignatureHummingbird",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "CWebhookSignature",
            dependencies: ["WebhookSignature"],
            exclude: ["include", "whsig.map"]
        ),
        .target(
            name: "FluentEvent",
            dependencies: ["WebhookSignature"]
        ),
        .target(
            name: "WebhookSignatureHummingbird",
            dependencies: [
                "WebhookSignature",
                "FluentEvent",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "webhook-receiver-example",
            dependencies: [
                "WebhookSignature",
                "FluentEvent",
                "WebhookSignatureHummingbird",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Examples/Receiver"
        ),
        .testTarget(
            name: "WebhookSignatureTests",
            dependencies: [
                "WebhookSignature",
                "whsig",
                "FluentEvent",
                "WebhookSignatureHummingbird",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)
