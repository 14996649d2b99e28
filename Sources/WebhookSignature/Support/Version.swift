/// This package's version.
public enum WebhookSignatureVersion {
    /// The version as `MAJOR.MINOR.PATCH`.
    public static let string = "0.1.0"
}
