import Foundation

/// Parses `NAME: VALUE`; a value holding several header lines (`"$(whsig sign …)"` prints two) is
/// a usage failure that says to pass each header on its own.
func parseHeader(_ line: String) throws -> (String, String) {
    let lines = line.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        .filter { !$0.allSatisfy(\.isWhitespace) }
    if lines.count > 1 {
        let names = lines.map { $0.split(separator: ":", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        let separately = names.map { "--header '\($0): …'" }.joined(separator: " ")
        throw UsageFailure(
            "--header holds \(lines.count) header lines (\(names.joined(separator: ", "))); pass each header separately: \(separately)")
    }
    guard let colon = line.firstIndex(of: ":") else {
        throw UsageFailure("--header \"\(line)\" is not of the form 'NAME: VALUE'")
    }
    let name = line[..<colon].trimmingCharacters(in: .whitespaces)
    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    guard !name.isEmpty else { throw UsageFailure("--header \"\(line)\" has an empty name") }
    return (name, value)
}
