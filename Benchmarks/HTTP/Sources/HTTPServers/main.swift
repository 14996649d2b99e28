// The servers of Benchmarks/scripts/http-throughput: on one framework, the same handler twice.
//
//   HTTPServers hummingbird|vapor PUBLIC_KEY_FILE PORT
//
//   POST /verified   WebhookVerificationMiddleware (1 MiB cap, default policy), then the handler
//   POST /plain      the body collected up to the same cap, then the same handler
//   POST /collected  (Vapor) an AsyncMiddleware that only collects the body as the webhook
//                    middleware does, then the same handler: the framework's share of the cost
//
// The handler answers 200 with the body's length, so both routes read the whole body and answer
// alike; the difference between them is the middleware's cost.
import Foundation
import Hummingbird
import Vapor
import WebhookSignature
import WebhookSignatureHummingbird
import WebhookSignatureVapor

let arguments = CommandLine.arguments
guard arguments.count == 4, let keyText = try? String(contentsOfFile: arguments[2], encoding: .utf8), let port = Int(arguments[3])
else {
    FileHandle.standardError.write(Data("usage: HTTPServers hummingbird|vapor PUBLIC_KEY_FILE PORT\n".utf8))
    exit(2)
}
let verifier = WebhookVerifier(key: try RSAPublicKey(parsing: keyText))
let cap = 1 << 20
let options = WebhookMiddlewareOptions(maxBodySize: cap)

switch arguments[1] {
case "hummingbird":
    let router = Router(context: BasicWebhookRequestContext.self)
    router.group("verified")
        .add(middleware: WebhookSignatureHummingbird.WebhookVerificationMiddleware(verifier: verifier, options: options))
        .post { _, context -> String in "ok \(try context.verifiedWebhook().body.readableBytes)\n" }
    router.post("plain") { request, _ -> String in
        let body = try await request.body.collect(upTo: cap)
        return "ok \(body.readableBytes)\n"
    }
    let app = Hummingbird.Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
    try await app.runService()
case "vapor":
    let app = try await Vapor.Application.make(Environment(name: "production", arguments: [arguments[0], "serve"]))
    app.http.server.configuration.hostname = "127.0.0.1"
    app.http.server.configuration.port = port
    app.logger.logLevel = .error
    app.grouped(WebhookSignatureVapor.WebhookVerificationMiddleware(verifier: verifier, options: options))
        .post("verified") { request async throws -> String in "ok \(try request.requireVerifiedWebhook().body.readableBytes)\n" }
    app.on(.POST, "plain", body: .collect(maxSize: ByteCount(value: cap))) { request async throws -> String in
        "ok \(request.body.data?.readableBytes ?? 0)\n"
    }
    app.grouped(CollectOnly(cap: cap)).post("collected") { request async throws -> String in
        "ok \(request.body.data?.readableBytes ?? 0)\n"
    }
    try await app.execute()
    try await app.asyncShutdown()
default:
    FileHandle.standardError.write(Data("unknown framework \(arguments[1]); use hummingbird or vapor\n".utf8))
    exit(2)
}

/// Collects the body the way the webhook middleware does, and nothing else.
struct CollectOnly: AsyncMiddleware {
    let cap: Int
    func respond(to request: Vapor.Request, chainingTo next: any AsyncResponder) async throws -> Vapor.Response {
        _ = try await request.body.collect(max: cap + 1).get()
        return try await next.respond(to: request)
    }
}
