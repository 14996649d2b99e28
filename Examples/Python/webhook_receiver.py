"""A webhook receiver in plain WSGI (the standard library's wsgiref): verifies POST /webhooks/fluent.

Usage: python3 Examples/Python/webhook_receiver.py KEY_FILE [PORT]

KEY_FILE is the platform's public key (x509 base64, PEM, JWK) or a keyring document (JSON with
"keys", as `whsig keyring` writes). PORT defaults to 8080; 0 picks a free one. The server listens on
127.0.0.1 and prints "listening on http://127.0.0.1:PORT/webhooks/fluent" once it accepts.

Answers 200 "accepted EVENT_ID" for a verified delivery, 401 with the verdict's code and reason for
one that fails, 413 over 1 MiB, 404 and 405 otherwise. The body is parsed only after it verified.
"""
import json
import signal
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

import whsig

MAX_BODY = 1 << 20


def load_trust(path):
    with open(path, "rb") as f:
        text = f.read()
    if text.lstrip().startswith(b"{") and b'"keys"' in text:
        return whsig.Keyring(text)
    return whsig.PublicKey(text)


def make_app(trust):
    def app(environ, start_response):
        def answer(status, text):
            data = (text + "\n").encode()
            start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))])
            return [data]

        if environ.get("PATH_INFO") != "/webhooks/fluent":
            return answer("404 Not Found", "not found")
        if environ.get("REQUEST_METHOD") != "POST":
            return answer("405 Method Not Allowed", "POST only")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return answer("400 Bad Request", "bad Content-Length")
        if length > MAX_BODY:
            return answer("413 Payload Too Large", "the body is over %d bytes" % MAX_BODY)
        body = environ["wsgi.input"].read(length)  # the raw bytes: never re-serialise before verifying
        verdict = whsig.verify_webhook(trust, environ, body)
        if not verdict:
            print("rejected: %s: %s" % (verdict.code, verdict.reason), file=sys.stderr, flush=True)
            return answer("401 Unauthorized", "%s: %s" % (verdict.code, verdict.reason))
        try:
            event = json.loads(body)
        except ValueError:
            return answer("400 Bad Request", "verified, but not JSON")
        event_id = event.get("id", "-") if isinstance(event, dict) else "-"
        print("accepted %s (key %s)" % (event_id, verdict.key_id[:16]), file=sys.stderr, flush=True)
        return answer("200 OK", "accepted %s" % event_id)

    return app


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # one line per delivery is printed by the app instead
        pass


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("\n\n")[1])
    trust = load_trust(sys.argv[1])
    port = int(sys.argv[2]) if len(sys.argv) == 3 else 8080
    # Stop cleanly on SIGTERM (a service manager's stop) as on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with make_server("127.0.0.1", port, make_app(trust), handler_class=QuietHandler) as server:
        print("listening on http://127.0.0.1:%d/webhooks/fluent" % server.server_port, flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
