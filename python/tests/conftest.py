"""Fixtures of the whsig test suite.

The suite tests whichever `whsig` Python imports: in CI the installed wheel (a fresh venv); from
`swift test`, python/src with WHSIG_LIBRARY pointing at a built libwhsig. It reads the package's
own key fixtures (Tests/Vectors/keys) and the shared reference vectors, found at
`$WHSIG_VECTORS` or `../shared/vectors` beside the package root; without them the tests that need
them are skipped with a note, and fail under CI=true.
"""
import json
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEYS = ROOT / "Tests" / "Vectors" / "keys"


def vectors_directory():
    override = os.environ.get("WHSIG_VECTORS")
    return pathlib.Path(override) if override else ROOT.parent / "shared" / "vectors"


@pytest.fixture(scope="session")
def keys_dir():
    assert KEYS.is_dir(), "the key fixtures %s are missing" % KEYS
    return KEYS


@pytest.fixture(scope="session")
def vectors_dir():
    directory = vectors_directory()
    if not (directory / "fluent" / "real-webhook.json").is_file():
        message = "the shared reference vectors are not at %s (set WHSIG_VECTORS)" % directory
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; they are required under CI=true")
        pytest.skip(message)
    return directory


@pytest.fixture(scope="session")
def expected(keys_dir):
    return json.loads((keys_dir / "rsa2048-expected.json").read_text())


@pytest.fixture(scope="session")
def delivery(vectors_dir):
    """The real delivery: (meta, body bytes)."""
    fluent = vectors_dir / "fluent"
    meta = json.loads((fluent / "real-webhook.json").read_text())
    return meta, (fluent / meta["bodyFile"]).read_bytes()
