"""A server killed (SIGKILL) in the middle of a burst of saves: the database stays intact and
every save the server acknowledged is in it."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from tests.helpers.commands import command, environment, free_port

PASSWORD = "a long enough password"
# Saves acknowledged before the kill: a burst long enough (a second or more) that a save
# acknowledged before it is on disk would be caught.
BURST = 100


def session(base: str) -> urllib.request.OpenerDirector:
    """A logged-in browser-like client."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/login", timeout=10) as answer:
        page = answer.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    with opener.open(f"{base}/login", data=urllib.parse.urlencode({
            "username": "doc", "password": PASSWORD, "csrf_token": token}).encode(),
            timeout=10) as answer:
        answer.read()
    return opener


def test_a_killed_server_loses_no_acknowledged_save(tmp_path):
    env = environment(DATABASE_URL=None)
    made = subprocess.run([*command(), "create-user", "doc", "--name", "Dr Doc",
                           "--data-dir", str(tmp_path)], input=PASSWORD + "\n", text=True,
                          capture_output=True, timeout=60, env=env, check=False)
    assert made.returncode == 0, made.stderr
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*command(), "serve", "--workers", "2", "--port", str(port),
                               "--data-dir", str(tmp_path), "--print-workers", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True, env=env)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)

        def clinician(k: int) -> None:
            opener = session(base)
            n = 0
            while not stop.is_set():
                n += 1
                name = f"Kill{k}x{n}"
                try:
                    with opener.open(f"{base}/patients/new", timeout=5) as answer:
                        page = answer.read().decode()
                    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
                    form = urllib.parse.urlencode({
                        "family_name": name, "given_name": "Test", "birth_date": "1970-01-01",
                        "sex": "female", "csrf_token": token}).encode()
                    # Each answer is read and closed at once, as a browser does: the server's
                    # sync workers linger up to 2 s on a connection the client leaves open.
                    with opener.open(f"{base}/patients/new", data=form, timeout=5) as answer:
                        answer.read()
                    if answer.status == 200 and re.search(r"/patients/\d+$", answer.url):
                        with lock:
                            acknowledged.append(name)  # the redirect to the saved record
                except (urllib.error.URLError, ConnectionError, OSError):
                    return  # the server is gone

        threads = [threading.Thread(target=clinician, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 120  # a wait for the burst to get going, not a speed check
        while len(acknowledged) < BURST and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)  # master and workers, mid-burst
        stop.set()
        for t in threads:
            t.join(10)
    finally:
        stop.set()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
    assert len(acknowledged) >= BURST, "the burst did not get going"
    with sqlite3.connect(tmp_path / "mesoplanner.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        saved = {r[0] for r in db.execute("SELECT family_name FROM patients")}
    missing = [name for name in acknowledged if name not in saved]
    assert not missing, f"acknowledged but lost: {missing}"
