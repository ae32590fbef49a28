"""The README's run command as a user meets it: `mesoplanner serve` on a fresh data folder."""

from __future__ import annotations

import queue
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request

from tests.helpers.commands import children, command, environment, free_port


def setup_link(proc: subprocess.Popen[str]) -> str:
    """The one-time setup link ``serve`` prints at its first start.

    The server's output is read on a thread of its own, to its end: a read here could wait
    for ever on a server that prints nothing more (CI ran into its limit on one), and an
    output nobody reads fills its pipe and stops the server."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 60
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            break
        found = re.search(r"(http://localhost:\d+/setup\?token=\S+)", line)
        if found:
            return found.group(1)
    raise AssertionError("no setup link printed")


def web_workers(pid: int) -> list[int]:
    """The gunicorn workers of serve's process ``pid`` (not its print worker)."""
    return [p for p, line in children(pid) if b"print-worker" not in line]


def test_serve_prints_a_one_time_setup_link_that_works(tmp_path):
    port = free_port()
    proc = subprocess.Popen([*command(), "serve", "--port", str(port), "--data-dir",
                             str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=environment())
    try:
        link = setup_link(proc)
        for _ in range(50):
            try:
                with urllib.request.urlopen(link, timeout=5) as response:
                    page = response.read().decode()
                break
            except urllib.error.URLError:
                time.sleep(0.2)
        assert "Create the first account" in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200
        wrong = link.rsplit("=", 1)[0] + "=not-the-token"
        try:
            urllib.request.urlopen(wrong, timeout=5)
            raise AssertionError("a wrong setup token was accepted")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
        assert (tmp_path / "mesoplanner.sqlite3").exists()
        assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_create_user_makes_an_account_from_the_command_line(tmp_path):
    out = subprocess.run([*command(), "create-user", "mrossi", "--name", "Dr Mario Rossi",
                          "--language", "it", "--data-dir", str(tmp_path)],
                         input="a long enough password\n", capture_output=True, text=True,
                         timeout=60, check=False, env=environment())
    assert out.returncode == 0, out.stderr
    assert "created doctor 'mrossi'" in out.stdout
    short = subprocess.run([*command(), "create-user", "other", "--name", "X", "--data-dir",
                            str(tmp_path)], input="short\n", capture_output=True, text=True,
                           timeout=60, check=False, env=environment())
    assert short.returncode == 2
    assert short.stderr.strip().startswith("error: password:")


def test_serve_with_workers_runs_several_processes_that_share_the_login(tmp_path):
    import http.cookiejar
    import urllib.parse

    port = free_port()
    proc = subprocess.Popen([*command(), "serve", "--workers", "2", "--port", str(port),
                             "--data-dir", str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=environment())
    try:
        link = setup_link(proc)
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        for _ in range(100):
            try:
                page = opener.open(link, timeout=5).read().decode()
                break
            except urllib.error.URLError:
                time.sleep(0.2)
        # gunicorn forks its workers one after another, with a short random pause between
        # them: the first may answer before the second exists (seen in CI). A wait, not a
        # speed check.
        deadline = time.monotonic() + 60
        while len(web_workers(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(web_workers(proc.pid)) == 2
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({
            "csrf_token": token, "token": link.rsplit("=", 1)[1], "full_name": "Dr Uno",
            "username": "uno", "password": "a long enough password",
            "confirm": "a long enough password", "language": "en"}).encode()
        opener.open(link.split("?")[0], data=form, timeout=10).read()
        # Whichever worker answers, the session is the same logged-in doctor's.
        for _ in range(10):
            page = opener.open(f"http://localhost:{port}/patients", timeout=5).read().decode()
            assert "Dr Uno" in page
    finally:
        proc.terminate()
        proc.wait(timeout=20)
