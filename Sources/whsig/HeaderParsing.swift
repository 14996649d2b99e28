import Foundation

/// Parses `NAME: VALUE`.
func parseHeader(_ line: String) throws -> (String, String) {
    guard let colon = line.firstIndex(of: ":") else {
        throw UsageFailure("--header \"\(line)\" is not of the form 'NAME: VALUE'")
    }
    let name = line[..<colon].trimmingCharacters(in: .whitespaces)
    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    guard !name.isEmpty else { throw UsageFailure("--header \"\(line)\" has an empty name") }
    return (name, value)
}
