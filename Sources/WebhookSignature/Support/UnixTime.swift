#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in wall-clock time, in whole seconds since 1970-01-01T00:00:00Z.
///
/// Key validity windows use it. The library avoids Foundation, so this small type (with RFC 3339
/// parsing and formatting) stands in for `Date`. Package access: not public API (public API takes
/// Unix seconds as `Int64`).
package struct UnixTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since the Unix epoch.
    package var seconds: Int64

    /// A time from seconds since the Unix epoch.
    package init(seconds: Int64) { self.seconds = seconds }

    /// The current time.
    package static var now: UnixTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UnixTime(seconds: Int64(spec.tv_sec))
    }

    /// Orders times.
    package static func < (lhs: UnixTime, rhs: UnixTime) -> Bool { lhs.seconds < rhs.seconds }

    /// This time moved by `seconds`, clamped to the range of ``seconds`` instead of overflowing.
    ///
    /// Use ``checkedAdding(seconds:)`` where an out-of-range result must be refused rather than clamped.
    package func adding(seconds delta: Int64) -> UnixTime {
        let (sum, overflow) = seconds.addingReportingOverflow(delta)
        return UnixTime(seconds: overflow ? (delta > 0 ? .max : .min) : sum)
    }

    /// This time moved by `seconds`, or nil when the result falls outside ``representableRange``.
    ///
    /// Use it for times that come from people (a command line, a configuration): no input can make
    /// the arithmetic trap, and a result that RFC 3339 cannot write is refused.
    package func checkedAdding(seconds delta: Int64) -> UnixTime? {
        let (sum, overflow) = seconds.addingReportingOverflow(delta)
        guard !overflow, Self.representableRange.contains(sum) else { return nil }
        return UnixTime(seconds: sum)
    }

    /// The seconds from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z: the times that RFC 3339's
    /// four-digit years can write, so that every time a keyring stores reads back.
    package static let representableRange: ClosedRange<Int64> = -62_167_219_200...253_402_300_799

    /// RFC 3339 in UTC, for example `2026-11-29T17:00:00Z`.
    package var description: String { rfc3339 }

    /// RFC 3339 in UTC, for example `2026-11-29T17:00:00Z`.
    package var rfc3339: String {
        // Floor division and remainder without `seconds - 86_399` or `days * 86_400`, which would
        // overflow near Int64.min.
        let days = seconds / 86_400 - (seconds % 86_400 < 0 ? 1 : 0)
        let remainder = seconds % 86_400
        let secondOfDay = remainder < 0 ? remainder + 86_400 : remainder
        let (year, month, day) = Self.civil(fromDays: days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }

    /// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS` with optional fractional seconds (dropped) and `Z` or `±HH:MM`;
    /// a bare date `YYYY-MM-DD` means midnight UTC.
    package init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= b.count else { return nil }
            var v: Int64 = 0
            for i in range {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year)
        else { return nil }
        var total = Self.days(fromCivil: year, month, day) * 86_400
        if b.count == 10 {
            self.seconds = total
            return
        }
        guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            hour < 24, minute < 60, second < 61
        else { return nil }
        total += hour * 3600 + minute * 60 + min(second, 59)
        var index = 19
        if b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < b.count, b[index] >= 48, b[index] <= 57 { index += 1 }
            guard index > start else { return nil }
        }
        guard index < b.count else { return nil }
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == b.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == b.count, b[index + 3] == UInt8(ascii: ":"),
                let oh = number((index + 1)..<(index + 3)), let om = number((index + 4)..<(index + 6)), oh < 24, om < 60
            else { return nil }
            let offset = oh * 3600 + om * 60
            total += b[index] == UInt8(ascii: "+") ? -offset : offset
        default:
            return nil
        }
        self.seconds = total
    }

    static func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since the epoch for a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
