// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "swift-webhook-signature",
    products: [
        .library(name: "WebhookSignature", targets: ["WebhookSignature"]),
        .executable(name: "whsig", targets: ["whsig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        .executableTarget(
            name: "whsig",
            dependencies: [
                "WebhookSignature",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "WebhookSignatureTests",
            dependencies: ["WebhookSignature"]
        ),
    ]
)
