"""Examples/Python/webhook_receiver.py on loopback: a genuine and a tampered delivery."""
import os
import pathlib
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

import whsig

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "Examples" / "Python" / "webhook_receiver.py"


@pytest.fixture
def receiver(tmp_path):
    """Starts the example with a key file; yields a function that POSTs and returns (status, text)."""
    processes = []

    def start(key_text):
        key_file = tmp_path / "key.txt"
        key_file.write_text(key_text)
        process = subprocess.Popen(
            [sys.executable, str(EXAMPLE), str(key_file), "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        processes.append(process)
        line = process.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:"), (line, process.stderr.read() if process.poll() is not None else "")
        url = line.split()[-1]

        def post(body, headers, path=None):
            request = urllib.request.Request(url if path is None else url.rsplit("/webhooks", 1)[0] + path,
                                             data=body, method="POST", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode()

        return post

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            # A parent that blocks SIGTERM for its children (some test runners do) leaves only SIGKILL.
            process.kill()
            process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()


def test_genuine_and_tampered(receiver, keys_dir):
    private = whsig.PrivateKey((keys_dir / "rsa2048-pkcs8.pem").read_bytes())
    post = receiver((keys_dir / "rsa2048-spki.b64").read_text())
    body = b'{"id":"e-1","name":"ORDER_CREATED","entityRef":"HD-1"}'
    headers = {"Content-Type": "application/json",
               "fluent-signature": whsig.sign(private, "sha512", body),
               "flex.signature": whsig.sign(private, "md5", body)}
    assert post(body, headers) == (200, "accepted e-1\n")
    status, text = post(body.replace(b"e-1", b"e-2"), headers)
    assert status == 401 and text.startswith("body_mismatch:"), text
    status, text = post(body, {"Content-Type": "application/json"})
    assert status == 401 and text.startswith("no_signature_header:"), text
    assert post(body, headers, path="/other")[0] == 404


def test_real_delivery(receiver, delivery):
    meta, body = delivery
    post = receiver(meta["publicKeyX509Base64"])
    headers = {name: value for name, value in meta["headers"].items()}
    status, text = post(body, headers)
    assert status == 200 and text.startswith("accepted "), text
    status, text = post(body + b"\n", headers)
    assert status == 401 and text.startswith("body_mismatch:"), text
