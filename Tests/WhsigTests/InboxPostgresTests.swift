import Foundation
import Synchronization
import Testing
import WebhookSignature
@testable import WebhookSignatureTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `whsig listen --store postgres://…` against a real PostgreSQL (scripts/with-postgres), through the
/// built binary: stored before the 200, exactly once across instances, 503 without the database,
/// and one keyring for the fleet, pushed and followed live.
@Suite("Inbox: PostgreSQL store and fleet", .serialized, .enabled(if: TestPostgres.available, "\(TestPostgres.skipMessage)"))
struct InboxPostgresTests {
    let keys = Delivery.keys

    /// The rows of whsig_deliveries as (digest, count of rows with it).
    func rowCounts(_ database: String) throws -> [String: Int] {
        let text = try TestPostgres.psql("SELECT body_sha512, count(*) FROM whsig_deliveries GROUP BY 1", database: database)
        var out: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "|")
            out[String(parts[0])] = Int(parts[1])
        }
        return out
    }

    @Test("a delivery is stored before the 200, a retry is a duplicate (one row), a forged one never reaches the table")
    func storedBeforeAcknowledgement() async throws {
        let url = try TestPostgres.freshDatabase("whsig_ack")
        let listener = try InboxListener(["--key", keys.publicPath, "--store", url, "--explain"])
        defer { listener.child.terminate() }
        let body = Inbox.event(1, tag: "ack")

        let first = try #require(await Inbox.post(listener.url, body, key: keys.privateKey))
        #expect(first.status == 200, "\(first.body)")
        // The 200 came after the commit: the row is there as soon as the answer is.
        let digest = Inbox.digest(body)
        let signature = try keys.privateKey.base64Signature(for: body, algorithm: .sha512WithRSA)
        let row = try TestPostgres.psql(
            """
            SELECT key_id, event_id, event_name, octet_length(body),
                   (SELECT h->>1 FROM jsonb_array_elements(headers) h WHERE lower(h->>0) = 'fluent-signature')
            FROM whsig_deliveries WHERE body_sha512 = '\(digest)'
            """,
            database: "whsig_ack")
        #expect(row == "\(keys.privateKey.publicKey.fingerprint.hex)|ack-1|OrderStatusChange|\(body.count)|\(signature)")
        #expect(try TestPostgres.psql("SELECT version FROM whsig_schema WHERE component = 'whsig'", database: "whsig_ack") == "1")

        let again = try #require(await Inbox.post(listener.url, body, key: keys.privateKey))
        #expect(again.status == 200)
        #expect(again.body.contains("(duplicate)"))
        #expect(try rowCounts("whsig_ack") == [digest: 1])

        var forged = Inbox.event(2, tag: "ack")
        let headers = try WebhookSigner(key: keys.privateKey).headers(for: forged).map { ($0.name, $0.value) }
        forged[forged.count - 3] = UInt8(ascii: "3")
        let refused = try #require(await Inbox.post(listener.url, forged, headers: headers))
        #expect(refused.status == 401)
        #expect(refused.failure == "body_mismatch")
        let stranger = Inbox.extraKey("stranger")
        let unknownKey = try #require(await Inbox.post(listener.url, Inbox.event(3, tag: "ack"), key: stranger.key))
        #expect(unknownKey.status == 401)
        #expect(try rowCounts("whsig_ack") == [digest: 1])

        // inbox list and export read it back, byte for byte.
        let listed = try Delivery.run(["inbox", "list", "--store", url, "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["digest"] as? String == digest)
        #expect(rows.first?["eventId"] as? String == "ack-1")
        let exported = Delivery.temporaryDirectory().appendingPathComponent("body.json").path
        let export = try Delivery.run(["inbox", "export", "--store", url, "--output", exported, digest])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: exported))) == body)
        let missing = try Delivery.run(["inbox", "export", "--store", url, String(repeating: "0", count: 128)])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("[not_found]"))
        let future = try Delivery.run(["inbox", "list", "--store", url, "--since", "now+1h"])
        #expect(future.status == 0 && future.stdout.isEmpty)
    }

    @Test("two instances on one table, one SIGKILLed during 400 deliveries: every delivery answered 200 is stored exactly once")
    func fleetSurvivesAKill() async throws {
        let url = try TestPostgres.freshDatabase("whsig_fleet")
        let a = try InboxListener(["--key", keys.publicPath, "--store", url])
        let b = try InboxListener(["--key", keys.publicPath, "--store", url])
        defer {
            a.child.kill()
            b.child.terminate()
        }
        // The same delivery at both instances (a retry landing elsewhere): two 200s, one row.
        let shared = Inbox.event(0, tag: "shared")
        #expect(await Inbox.post(a.url, shared, key: keys.privateKey)?.status == 200)
        let second = await Inbox.post(b.url, shared, key: keys.privateKey)
        #expect(second?.status == 200)
        #expect(second?.body.contains("(duplicate)") == true)
        #expect(try rowCounts("whsig_fleet") == [Inbox.digest(shared): 1])

        // 400 distinct deliveries, 8 at a time, alternating between the instances; A is killed after
        // the 120th is sent. A delivery with no answer moves to B, as the load balancer would.
        let total = 400
        let sent = Shared(0)
        let acknowledged = Shared<[Int: String]>([:])
        let key = keys.privateKey
        let (aURL, bURL) = (a.url, b.url)
        let aChild = a.child
        let killed = Shared(false)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var n = worker
                    while n < total {
                        let body = Inbox.event(n)
                        if sent.withLock({ $0 += 1; return $0 }) == 120, killed.withLock({ let first = !$0; $0 = true; return first }) {
                            Glibc.kill(aChild.pid, SIGKILL)
                        }
                        var answer = await Inbox.post(n % 2 == 0 ? aURL : bURL, body, key: key, timeout: 10)
                        if answer == nil { answer = await Inbox.post(bURL, body, key: key, timeout: 10) }
                        if answer?.status == 200 { acknowledged.withLock { $0[n] = Inbox.digest(body) } }
                        n += 8
                    }
                }
            }
        }
        #expect(killed.value)
        let answered = acknowledged.value
        #expect(answered.count == total, "only \(answered.count) of \(total) deliveries were answered 200")
        let rows = try rowCounts("whsig_fleet")
        for (n, digest) in answered.sorted(by: { $0.key < $1.key }) {
            #expect(rows[digest] == 1, "delivery \(n) was answered 200 but has \(rows[digest] ?? 0) rows")
        }
        #expect(rows.values.allSatisfy { $0 == 1 })
        #expect(rows.count == total + 1)
    }

    @Test("the database stopped: 503, never 200; started again: 200 without a restart")
    func databaseOutage() async throws {
        let url = try TestPostgres.freshDatabase("whsig_outage")
        let listener = try InboxListener(["--key", keys.publicPath, "--store", url, "--store-timeout", "2"])
        defer { listener.child.terminate() }
        #expect(await Inbox.post(listener.url, Inbox.event(1, tag: "outage"), key: keys.privateKey)?.status == 200)

        try TestPostgres.control("stop")
        var restarted = false
        defer { if !restarted { try? TestPostgres.control("start") } }
        for n in 2...4 {
            let answer = await Inbox.post(listener.url, Inbox.event(n, tag: "outage"), key: keys.privateKey)
            #expect(answer?.status == 503, "delivery \(n) during the outage: \(String(describing: answer))")
            #expect(answer?.failure == "store_unavailable")
        }
        #expect(listener.child.waitForLine(timeout: 5) { $0.hasPrefix("503 verified") && $0.contains("failure=store_unavailable") } != nil)

        try TestPostgres.control("start")
        restarted = true
        // The pool reconnects on its own; the platform's retries (immediate, 2 s, 4 s, 8 s) fit in this.
        let recovered = await Inbox.until(timeout: 20) {
            await Inbox.post(listener.url, Inbox.event(2, tag: "outage"), key: keys.privateKey)?.status == 200
        }
        #expect(recovered != nil, "no 200 within 20 s of the database's return")
        // Only what was answered 200 is there: the writes refused with 503 were abandoned, not queued.
        let rows = try rowCounts("whsig_outage")
        #expect(Set(rows.keys) == [Inbox.digest(Inbox.event(1, tag: "outage")), Inbox.digest(Inbox.event(2, tag: "outage"))])
    }

    @Test("rotation under load: a pushed key is accepted by every instance within 5 s, the old one until its notAfter, a corrupt push changes nothing")
    func rotationUnderLoad() async throws {
        let url = try TestPostgres.freshDatabase("whsig_rotation")
        let work = Delivery.temporaryDirectory()
        let ring = work.appendingPathComponent("fleet.json").path
        let old = keys
        let next = Inbox.extraKey("next")

        // Version 1: the old key alone. Instances started with no --key and no --keyring follow the store.
        #expect(try Delivery.run(["keyring", "add", "--keyring", ring, "--key", old.publicPath, "--label", "old"]).status == 0)
        let noKeyring = try Delivery.run(["listen", "--port", "0", "--store", url])
        #expect(noKeyring.status == 2)
        #expect(noKeyring.stderr.contains("has no keyring yet"))
        let v1 = try Delivery.run(["keyring", "push", "--store", url, "--keyring", ring])
        #expect(v1.status == 0, "\(v1.stderr)")
        #expect(v1.stdout.hasPrefix("published \(ring) as version 1"))
        let instances = try (0..<2).map { _ in try InboxListener(["--store", url, "--reload-interval", "0.5"]) }
        defer { for instance in instances { instance.child.terminate() } }
        for instance in instances {
            #expect(await Inbox.post(instance.url, Inbox.event(0, tag: "v1-\(instance.port)"), key: old.privateKey)?.status == 200)
            #expect(await Inbox.post(instance.url, Inbox.event(0, tag: "early-\(instance.port)"), key: next.key)?.status == 401)
        }

        // Load signed with the old key runs throughout; meanwhile version 2 adds the next key and gives the
        // old one a notAfter a few seconds ahead.
        let stop = Shared(false)
        let oldAnswers = Shared<[Int: Int]>([:])
        let urls = instances.map(\.url)
        let oldKey = old.privateKey
        let load = Task {
            var n = 0
            while !stop.value {
                let status = await Inbox.post(urls[n % 2], Inbox.event(n, tag: "old-load"), key: oldKey)?.status ?? 0
                oldAnswers.withLock { $0[status, default: 0] += 1 }
                n += 1
            }
        }
        let notAfter = Date().addingTimeInterval(12)
        let notAfterText = ISO8601DateFormatter().string(from: notAfter)
        #expect(try Delivery.run(["keyring", "add", "--keyring", ring, "--key", next.publicPath, "--label", "next"]).status == 0)
        let retireOld = try Delivery.run(["keyring", "remove", "--keyring", ring, "old"])
        #expect(retireOld.status == 0, "\(retireOld.stderr)")
        #expect(try Delivery.run(["keyring", "add", "--keyring", ring, "--key", old.publicPath, "--label", "old", "--not-after", notAfterText]).status == 0)
        let v2 = try Delivery.run(["keyring", "push", "--store", url, "--keyring", ring])
        #expect(v2.status == 0, "\(v2.stderr)")
        let pushed = Date()
        let nextKey = next.key
        for (i, instance) in instances.enumerated() {
            let attempt = Shared(0)
            let took = await Inbox.until(timeout: 10) {
                let n = attempt.withLock { $0 += 1; return $0 }
                return await Inbox.post(instance.url, Inbox.event(n, tag: "next-\(i)"), key: nextKey)?.status == 200
            }
            let sincePush = Date().timeIntervalSince(pushed)
            #expect(took != nil && sincePush <= 5, "instance \(i) accepted the pushed key after \(sincePush) s")
        }

        // A corrupt keyring is refused by push (nothing published), and one written behind its back is
        // ignored by every instance: the next key keeps working.
        let corrupt = work.appendingPathComponent("corrupt.json").path
        try Data(#"{"version":1,"keys":[{"publicKey":"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ"}]}"#.utf8).write(to: URL(fileURLWithPath: corrupt))
        let refused = try Delivery.run(["keyring", "push", "--store", url, "--keyring", corrupt])
        #expect(refused.status == 2)
        #expect(try TestPostgres.psql("SELECT max(version) FROM whsig_keyring", database: "whsig_rotation") == "2")
        try TestPostgres.psql("INSERT INTO whsig_keyring (keyring) VALUES ('{\"keys\": [not json')", database: "whsig_rotation")
        try await Task.sleep(for: .seconds(1.5))
        for (i, instance) in instances.enumerated() {
            #expect(await Inbox.post(instance.url, Inbox.event(i, tag: "after-corrupt"), key: nextKey)?.status == 200)
            #expect(instance.child.stderr.contains("new keyring ignored"), "instance \(i) did not log the corrupt keyring")
        }

        // Until notAfter the old key's load was all 200; after it, the old key is refused.
        try await Task.sleep(for: .seconds(max(0, notAfter.timeIntervalSinceNow - 1)))
        stop.withLock { $0 = true }
        await load.value
        let counts = oldAnswers.value
        #expect(counts.keys.sorted() == [200], "old-key load answers by status: \(counts)")
        #expect((counts[200] ?? 0) > 10)
        try await Task.sleep(for: .seconds(max(0, notAfter.timeIntervalSinceNow + 1.5)))
        for instance in instances {
            let late = await Inbox.post(instance.url, Inbox.event(1, tag: "late-\(instance.port)"), key: oldKey)
            #expect(late?.status == 401)
        }
    }
}

/// Outside the CI step that runs them, the PostgreSQL tests skip; inside it, they must not.
@Suite("Inbox: PostgreSQL availability")
struct InboxPostgresAvailability {
    @Test("the PostgreSQL tests run where they are required")
    func requiredWhereExpected() {
        if !TestPostgres.available {
            if TestPostgres.required {
                let missing = [
                    TestPostgres.compiled ? nil : "the PostgreSQL or Hummingbird trait is off",
                    TestPostgres.url == nil ? "WHSIG_TEST_POSTGRES_URL is not set" : nil,
                ].compactMap { $0 }
                Issue.record("WHSIG_REQUIRE_POSTGRES=1 under CI, but \(missing.joined(separator: " and "))")
            } else {
                print("Inbox PostgreSQL tests skipped: \(TestPostgres.skipMessage)")
            }
        }
        #expect(TestPostgres.available || !TestPostgres.required)
    }
}

