import Testing

@testable import WebhookSignatureTestSupport

@Test("reference vectors are present when CI=true")
func referenceVectorsPresentUnderCI() {
    if !Vectors.available {
        print("NOTE: \(Vectors.skipNote)")
        #expect(!Vectors.isCI, "CI=true but the reference vectors are missing at \(Vectors.directory.path)")
    }
}
