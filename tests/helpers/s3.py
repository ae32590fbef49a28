"""An S3-compatible server for the tests: moto's standalone server (from PyPI), started as a
process of its own on a free port, as a clinic chain's object store would be reached."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from tests.helpers.commands import free_port

# Credentials the server takes (moto accepts any); the standard AWS variables carry them.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}


@contextmanager
def s3_server() -> Iterator[str]:
    """moto's server on a free local port, answering: its address; stopped afterwards."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{address}/moto-api/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, "moto's server stopped"
                time.sleep(0.05)
        else:
            raise AssertionError("moto's server did not answer")
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def client(endpoint: str):
    """A boto3 client of the test server (as the app makes one: photos/stores.py)."""
    from planner.photos.stores import s3_client

    return s3_client(endpoint)
