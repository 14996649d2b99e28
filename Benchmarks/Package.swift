// swift-tools-version: 6.1
// Benchmarks for swift-webhook-signature, kept in their own package so that the main package's
// `swift build` and `swift test` never fetch or build the benchmark dependency.
//
//     cd Benchmarks && swift package benchmark
//
// See README.md in this folder.
import PackageDescription

let package = Package(
    name: "swift-webhook-signature-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-webhook-signature", path: ".."),
        // Without the MallocInterposer trait the default traits need a repository that is not mirrored here.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // One operation in a loop, for perf and valgrind (see README.md, "Finding where time goes").
        .executableTarget(
            name: "ProfileLoop",
            dependencies: [.product(name: "WebhookSignature", package: "swift-webhook-signature"), .product(name: "RawCrypto", package: "swift-webhook-signature")],
            path: "Sources/ProfileLoop"
        ),
        .executableTarget(
            name: "WebhookSignatureBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WebhookSignature", package: "swift-webhook-signature"),
                .product(name: "RawCrypto", package: "swift-webhook-signature"),
            ],
            path: "Benchmarks/WebhookSignatureBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
