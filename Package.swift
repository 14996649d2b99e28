// swift-tools-version: 6.1
import PackageDescription

// Package traits keep the framework integrations out of a plain consumer's graph: a package that uses
// only the `WebhookSignature` product resolves swift-asn1, swift-extras-base64 and swift-argument-parser
// (for the CLI), nothing else. `--traits Hummingbird`, `--traits Vapor` or `--enable-all-traits` bring
// in an integration, its tests, its example receiver and `whsig listen` (Hummingbird).
let hummingbird: TargetDependencyCondition? = .when(traits: ["Hummingbird"])
let vapor: TargetDependencyCondition? = .when(traits: ["Vapor"])
let anyServer: TargetDependencyCondition? = .when(traits: ["Hummingbird", "Vapor"])
let postgres: TargetDependencyCondition? = .when(traits: ["PostgreSQL"])

let package = Package(
    name: "swift-webhook-signature",
    products: [
        .library(name: "WebhookSignature", targets: ["WebhookSignature"]),
        .executable(name: "whsig", targets: ["whsig"]),
        .library(name: "FluentEvent", targets: ["FluentEvent"]),
        // Empty unless the consumer enables the trait of the same name.
        .library(name: "WebhookSignatureHummingbird", targets: ["WebhookSignatureHummingbird"]),
        .library(name: "WebhookSignatureVapor", targets: ["WebhookSignatureVapor"]),
        // Verified-delivery stores and live keyrings; the PostgreSQL store needs the PostgreSQL trait.
        .library(name: "WebhookInbox", targets: ["WebhookInbox"]),
        // The C library (include/whsig.h); scripts/install-c-library installs it as libwhsig.so.
        .library(name: "WebhookSignatureC", type: .dynamic, targets: ["CWebhookSignature"]),
        // The raw OpenSSL and libgcrypt reference loops that `whsig speed` and Benchmarks/ compare against.
        .library(name: "RawCrypto", targets: ["RawCrypto"]),
    ],
    traits: [
        .trait(name: "Hummingbird", description: "The Hummingbird 2 middleware, whsig listen and the Hummingbird example receiver."),
        .trait(name: "Vapor", description: "The Vapor 4 middleware and the Vapor example receiver."),
        .trait(
            name: "PostgreSQL",
            description: "The PostgreSQL delivery store and fleet keyring (WebhookInbox, whsig listen --store postgres://, keyring push)."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Hummingbird's default traits pull in swift-configuration; none of it is used here.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
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
                // `whsig listen` (trait Hummingbird).
                .target(name: "WebhookSignatureHummingbird", condition: hummingbird),
                .product(name: "Hummingbird", package: "hummingbird", condition: hummingbird),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Hummingbird", "PostgreSQL"])),
                .product(name: "NIOCore", package: "swift-nio", condition: hummingbird),
                // `whsig listen --store`, `keyring push`, `inbox` (PostgreSQL with the trait).
                "WebhookInbox",
            ]
        ),
        // Verified-delivery stores (a folder; PostgreSQL with the trait) and keyrings followed live.
        .target(
            name: "WebhookInbox",
            dependencies: [
                "WebhookSignature",
                "FluentEvent",
                .product(name: "Logging", package: "swift-log", condition: postgres),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: postgres),
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
        // What the Hummingbird and Vapor middlewares share: the verified delivery, the answers, the
        // safety settings and the duplicate check. Built only with one of the two traits.
        .target(
            name: "WebhookSignatureServerSupport",
            dependencies: [
                "WebhookSignature",
                "FluentEvent",
                .product(name: "NIOCore", package: "swift-nio", condition: anyServer),
                .product(name: "Logging", package: "swift-log", condition: anyServer),
            ]
        ),
        .target(
            name: "WebhookSignatureHummingbird",
            dependencies: [
                "WebhookSignature",
                "FluentEvent",
                .target(name: "WebhookSignatureServerSupport", condition: hummingbird),
                .target(name: "WebhookInbox", condition: hummingbird),
                .product(name: "Hummingbird", package: "hummingbird", condition: hummingbird),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: hummingbird),
                .product(name: "Logging", package: "swift-log", condition: hummingbird),
                .product(name: "NIOCore", package: "swift-nio", condition: hummingbird),
            ]
        ),
        .target(
            name: "WebhookSignatureVapor",
            dependencies: [
                "WebhookSignature",
                "FluentEvent",
                .target(name: "WebhookSignatureServerSupport", condition: vapor),
                .product(name: "Vapor", package: "vapor", condition: vapor),
                .product(name: "NIOCore", package: "swift-nio", condition: vapor),
            ]
        ),
        .executableTarget(
            name: "webhook-receiver-example",
            dependencies: [
                "WebhookSignature",
                "FluentEvent",
                .target(name: "WebhookSignatureHummingbird", condition: hummingbird),
                .product(name: "Hummingbird", package: "hummingbird", condition: hummingbird),
            ],
            path: "Examples/Receiver"
        ),
        .executableTarget(
            name: "webhook-receiver-example-vapor",
            dependencies: [
                "WebhookSignature",
                "FluentEvent",
                .target(name: "WebhookSignatureVapor", condition: vapor),
                .product(name: "Vapor", package: "vapor", condition: vapor),
            ],
            path: "Examples/ReceiverVapor"
        ),

        // Tests: one target per module, sharing WebhookSignatureTestSupport (vectors, the CLI binary,
        // delivery helpers, processes).
        .target(
            name: "WebhookSignatureTestSupport",
            dependencies: [
                "WebhookSignature",
                // The middleware scenarios shared by the Hummingbird and Vapor suites.
                .target(name: "WebhookSignatureServerSupport", condition: anyServer),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "WebhookSignatureTests",
            dependencies: [
                "WebhookSignature",
                "WebhookSignatureTestSupport",
                // The bad-input matrix, limits and hardening suites also drive the CLI binary.
                "whsig",
            ]
        ),
        .testTarget(
            name: "WhsigTests",
            dependencies: ["WebhookSignature", "WebhookSignatureTestSupport", "whsig", "WebhookInbox"]
        ),
        .testTarget(
            name: "CWebhookSignatureTests",
            dependencies: ["CWebhookSignature", "WebhookSignature", "WebhookSignatureTestSupport"]
        ),
        .testTarget(
            name: "FluentEventTests",
            dependencies: ["WebhookSignature", "FluentEvent", "WebhookSignatureTestSupport"]
        ),
        .testTarget(
            name: "WebhookSignatureHummingbirdTests",
            dependencies: [
                "WebhookSignature",
                "FluentEvent",
                "WebhookSignatureTestSupport",
                "WebhookInbox",
                .target(name: "WebhookSignatureHummingbird", condition: hummingbird),
                .product(name: "Hummingbird", package: "hummingbird", condition: hummingbird),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: hummingbird),
                .product(name: "Logging", package: "swift-log", condition: hummingbird),
                .product(name: "NIOCore", package: "swift-nio", condition: hummingbird),
            ]
        ),
        .testTarget(
            name: "WebhookSignatureVaporTests",
            dependencies: [
                "WebhookSignature",
                "FluentEvent",
                "WebhookSignatureTestSupport",
                .target(name: "WebhookSignatureVapor", condition: vapor),
                .product(name: "Vapor", package: "vapor", condition: vapor),
            ]
        ),
    ]
)
