// swift-tools-version: 6.1
// The HTTP servers that Benchmarks/scripts/http-throughput measures with wrk: one route with the
// webhook middleware and the same route without it, on Hummingbird and on Vapor. A package of its
// own, so that neither the main package nor the benchmark suite builds Vapor for it.
import PackageDescription

let package = Package(
    name: "swift-webhook-signature-http-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-webhook-signature", path: "../..", traits: ["Hummingbird", "Vapor"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
    ],
    targets: [
        .executableTarget(
            name: "HTTPServers",
            dependencies: [
                .product(name: "WebhookSignature", package: "swift-webhook-signature"),
                .product(name: "WebhookSignatureHummingbird", package: "swift-webhook-signature"),
                .product(name: "WebhookSignatureVapor", package: "swift-webhook-signature"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Vapor", package: "vapor"),
            ],
            path: "Sources/HTTPServers"
        )
    ]
)
