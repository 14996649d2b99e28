import Foundation
import Synchronization
import Testing
import WebhookInbox
import WebhookSignature
@testable import WebhookSignatureTestSupport

/// The folder store, the live keyring file, and the storing middleware; no database needed.
@Suite("Inbox: folder store and live keyring file", .serialized)
struct InboxFolderTests {
    let keys = Delivery.keys

    @Test("the folder store keeps one 0600 file per body in a 0700 folder, even with 40 concurrent writers")
    func folderStoreExactlyOnce() async throws {
        let path = Delivery.temporaryDirectory().appendingPathComponent("inbox").path
        let store = try FolderDeliveryStore(path: path)
        let body = Inbox.event(7, tag: "folder")
        let outcomes = try await withThrowingTaskGroup(of: StoreOutcome.self) { group in
            for _ in 0..<40 { group.addTask { try await store.store(StoredDelivery(body: body)) } }
            return try await group.reduce(into: [StoreOutcome]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .stored }.count == 1)
        #expect(outcomes.filter { $0 == .duplicate }.count == 39)
        let digest = Inbox.digest(body)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["\(digest).json"])
        let fileMode = try FileManager.default.attributesOfItem(atPath: "\(path)/\(digest).json")[.posixPermissions] as? Int
        let folderMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(folderMode == 0o700)
        #expect(try await store.body(digest: digest) == body)
        #expect(try await store.body(digest: String(repeating: "a", count: 128)) == nil)
        let listed = try await store.list(since: nil, limit: 10)
        #expect(listed.map(\.digest) == [digest])
        #expect(listed.first?.size == body.count)
        #expect(try await store.list(since: Date().addingTimeInterval(3600), limit: 10).isEmpty)

        // inbox list and export read a folder store too.
        let exported = try Delivery.run(["inbox", "export", "--store", path, digest])
        #expect(exported.status == 0)
        #expect(Array(exported.stdout.utf8) == body)
        let list = try Delivery.run(["inbox", "list", "--store", path])
        #expect(list.stdout.hasPrefix("\(digest) "))
        #expect(list.stdout.contains(" bytes=\(body.count) "))
    }

    @Test("a store URL that is not PostgreSQL, or malformed, is refused with a reason")
    func badLocations() throws {
        #expect(throws: InboxError.self) { try PostgresLocation(url: "postgres://127.0.0.1:5432/db") }
        #expect(throws: InboxError.self) { try PostgresLocation(url: "postgres://u@h:5432/") }
        #expect(throws: InboxError.self) { try PostgresLocation(url: "postgres://u@h:5432/db?sslmode=sometimes") }
        let parsed = try PostgresLocation(url: "postgres://whsig:s%40cret@db.example:6543/hooks?sslmode=require", environment: [:])
        #expect(parsed.user == "whsig" && parsed.password == "s@cret" && parsed.port == 6543 && parsed.database == "hooks")
        #expect(parsed.tlsMode == .require)
        #expect(!parsed.redacted.contains("cret"))
        let fromEnvironment = try PostgresLocation(url: "postgres://whsig@db/hooks", environment: ["PGPASSWORD": "pw"])
        #expect(fromEnvironment.password == "pw" && fromEnvironment.port == 5432 && fromEnvironment.tlsMode == .prefer)

        #if Hummingbird
            let noKeys = try Delivery.run(["listen", "--port", "0", "--store", Delivery.temporaryDirectory().path])
            #expect(noKeys.status == 2)
            #expect(noKeys.stderr.contains("postgres:// --store that holds a keyring"))
        #endif
        let badURL = try Delivery.run(["inbox", "list", "--store", "postgres://nobody@127.0.0.1:1/"])
        #expect(badURL.status == 2)
        #expect(badURL.stderr.contains("[invalid_location]"))
    }

    #if Hummingbird
    @Test("listen --keyring FILE follows the file: a new key within 5 s, a corrupt file ignored, no restart")
    func keyringFileFollowed() async throws {
        let work = Delivery.temporaryDirectory()
        let ring = work.appendingPathComponent("ring.json").path
        let store = work.appendingPathComponent("received").path
        let next = Inbox.extraKey("file-next")
        #expect(try Delivery.run(["keyring", "add", "--keyring", ring, "--key", keys.publicPath, "--label", "old"]).status == 0)
        let listener = try InboxListener(["--keyring", ring, "--store", store, "--reload-interval", "0.5"])
        defer { listener.child.terminate() }
        #expect(await Inbox.post(listener.url, Inbox.event(1, tag: "file"), key: keys.privateKey)?.status == 200)
        #expect(await Inbox.post(listener.url, Inbox.event(2, tag: "file"), key: next.key)?.status == 401)

        #expect(try Delivery.run(["keyring", "add", "--keyring", ring, "--key", next.publicPath, "--label", "next"]).status == 0)
        let attempt = Shared(0)
        let took = await Inbox.until(timeout: 10) {
            let n = attempt.withLock { $0 += 1; return $0 }
            return await Inbox.post(listener.url, Inbox.event(n, tag: "file-next"), key: next.key)?.status == 200
        }
        #expect(took != nil && took! <= 5, "the changed keyring file was picked up after \(String(describing: took)) s")

        try Data("{ not a keyring".utf8).write(to: URL(fileURLWithPath: ring))
        try await Task.sleep(for: .seconds(1.5))
        #expect(listener.child.stderr.contains("new keyring ignored"))
        #expect(await Inbox.post(listener.url, Inbox.event(3, tag: "file"), key: next.key)?.status == 200)
        #expect(await Inbox.post(listener.url, Inbox.event(4, tag: "file"), key: keys.privateKey)?.status == 200)
        #expect(listener.child.terminate())
        #expect(listener.child.status == 0)
    }
    #endif
}

@Suite("Inbox: documentation")
struct InboxDocumentationTests {
    @Test("docs/inbox.md shows exactly the SQL that prepareSchema runs")
    func schemaSQLMatchesTheDocs() throws {
        let text = try String(contentsOf: Vectors.packageRoot.appendingPathComponent("docs/inbox.md"), encoding: .utf8)
        let start = try #require(text.range(of: "```sql\n"))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        let shown = text[start.upperBound..<end.lowerBound]
        func normalized<S: StringProtocol>(_ s: S) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let statements = shown.split(separator: ";").map(normalized).filter { !$0.isEmpty }
        #expect(statements == InboxSchema.statements.map(normalized))
        #expect(InboxSchema.statements.last?.contains("VALUES ('whsig', \(InboxSchema.version))") == true)
    }
}
