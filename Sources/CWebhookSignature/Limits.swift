/// Limits of the C interface that the Swift API does not have, documented in include/whsig.h.
enum CLimits {
    /// WHSIG_MAX_HEADER_COUNT: the most header pairs whsig_verify_webhook reads. A request has far
    /// fewer; the limit keeps a wrong count (say SIZE_MAX / 4) from reserving memory or walking far
    /// past the caller's arrays.
    static let maxHeaderCount = 4096
}
