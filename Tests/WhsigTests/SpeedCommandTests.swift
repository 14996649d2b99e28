import Foundation
import Testing
@testable import WebhookSignatureTestSupport

@Suite("whsig speed")
struct SpeedCommandTests {
    @Test("--json measures ours and the raw reference for each backend and algorithm, and thread scaling")
    func json() throws {
        let result = try CLI.run(["speed", "--seconds", "0.04", "--bits", "1024", "--backend", "all", "--threads", "2", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
        let rows = try #require(object["results"] as? [[String: Any]])
        #expect(rows.count == 4)
        for row in rows {
            for operation in ["verify", "sign"] {
                let side = try #require(row[operation] as? [String: Any])
                #expect((side["ours"] as? Double ?? 0) > 0, "\(row)")
                #expect((side["raw"] as? Double ?? 0) > 0, "\(row)")
                #expect((side["ratio"] as? Double ?? 0) > 0, "\(row)")
            }
        }
        let backends = Set(rows.compactMap { $0["backend"] as? String })
        #expect(backends == ["openssl", "gcrypt"])
        let scaling = try #require(object["threadScaling"] as? [[String: Any]])
        #expect(scaling.count == 2)
        #expect(scaling.allSatisfy { ($0["speedup"] as? Double ?? 0) > 0 })
        #expect(object["machine"] is [String: Any])
    }

    @Test("a table without --json; bad sizes and seconds are usage errors")
    func tableAndUsage() throws {
        let table = try CLI.run(["speed", "--seconds", "0.04", "--bits", "1024", "--backend", "openssl", "--threads", "0"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("openssl sha512 1024"))
        #expect(table.stdout.contains("openssl md5    1024"))
        #expect(!table.stdout.contains("thread scaling"))
        #expect(try CLI.run(["speed", "--bits", "512"]).status == 2)
        #expect(try CLI.run(["speed", "--bits", "1024,x"]).status == 2)
        #expect(try CLI.run(["speed", "--seconds", "0"]).status == 2)
        #expect(try CLI.run(["speed", "--help"]).stdout.contains("EVP_PKEY_verify"))
    }
}
