import WebhookSignature

/// Parses durations such as `90s`, `15m`, `36h`, `7d`, `2w` (a bare number is seconds); a value whose
/// seconds do not fit in 64 bits is refused, never wrapped.
func parseDuration(_ text: String) throws -> Int64 {
    let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
    var digits = text
    var factor: Int64 = 1
    if let last = text.last, let unit = units[last] {
        factor = unit
        digits.removeLast()
    }
    guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
        throw UsageFailure("\"\(text)\" is not a duration such as 90s, 15m, 36h, 7d or 2w")
    }
    guard let value = Int64(digits) else {
        throw UsageFailure("the duration \"\(text)\" is out of range: at most \(Int64.max) seconds")
    }
    let (seconds, overflow) = value.multipliedReportingOverflow(by: factor)
    guard !overflow else { throw UsageFailure("the duration \"\(text)\" is out of range: at most \(Int64.max) seconds") }
    return seconds
}

/// Parses RFC 3339 times and `now`, `now+7d`, `now-1h`; a result outside 0000-01-01 ... 9999-12-31
/// (or one whose arithmetic would overflow) is a usage failure, never a trap.
func parseTime(_ text: String) throws -> UnixTime {
    if text.hasPrefix("now") {
        let rest = text.dropFirst(3)
        if rest.isEmpty { return .now }
        guard rest.first == "+" || rest.first == "-" else { throw UsageFailure("\"\(text)\" is not a time") }
        let magnitude = try parseDuration(String(rest.dropFirst()))
        let delta = rest.first == "-" ? -magnitude : magnitude
        guard let time = UnixTime.now.checkedAdding(seconds: delta) else {
            throw UsageFailure("the time \"\(text)\" is out of range: times run from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z")
        }
        return time
    }
    guard let time = UnixTime(rfc3339: text) else {
        throw UsageFailure("\"\(text)\" is not a time such as 2026-12-01T00:00:00Z, 2026-12-01 or now+7d")
    }
    return time
}
