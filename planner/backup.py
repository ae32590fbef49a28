"""Backing up and restoring the SQLite database (for PostgreSQL: pg_dump, see docs/backups.md),
with the photos' bytes in it (planner/backup_photos.py).

A backup is SQLite's online backup (a consistent copy even while the app is writing), checked
with ``PRAGMA integrity_check`` and then moved into place: the file named is either complete or
absent. A restore checks the file first, keeps the current database aside
(``<database>.before-restore-<time>``), copies the backup in and upgrades its schema. Every file
made here is readable by its owner only (0600), the partial ones too.

An encrypted backup is the same copy sealed with a passphrase: a key derived with scrypt,
AES-256-GCM over the whole file (authenticated: a wrong passphrase, a cut or a changed byte is
refused, never restored). Its layout (all integers big-endian)::

    MAGIC (29 bytes) | version (1) | log2 N (1) | r (1) | p (1) | salt (16) | nonce (12)
    | key check (16) | ciphertext | GCM tag (16)

The key check (an HMAC of the header with a second derived key) tells a wrong passphrase from a
damaged file; the header is the GCM's associated data.

``mesoplanner serve`` holds a shared lock on ``<database>.serving`` for its whole life, with its
process id written in the file; ``restore`` takes the lock exclusively, so it is refused while
a server uses the database, and a server does not start in the middle of a restore.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import hmac
import os
import secrets
import sqlite3
import struct
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from planner.config import private_file, private_folder

POSTGRES_HINT = ("the database is PostgreSQL: back it up with 'pg_dump --format=custom "
                 "--file=FILE DATABASE' and restore with 'pg_restore --clean --dbname=DATABASE "
                 "FILE' (see docs/backups.md)")

MAGIC = b"MESOPLANNER ENCRYPTED BACKUP\n"
VERSION = 1
# scrypt's cost [our default]: N = 2**17, r = 8 (128 MiB, about a quarter of a second), the
# strength advised for files; a header asking for more than MAX_SCRYPT_BYTES is refused as
# damaged rather than tried.
LOG2_N, R, P = 17, 8, 1
MAX_SCRYPT_BYTES = 1 << 30
SALT_BYTES, NONCE_BYTES, CHECK_BYTES, TAG_BYTES = 16, 12, 16, 16
_PARAMS = struct.Struct(">BBBB")
HEADER_BYTES = len(MAGIC) + _PARAMS.size + SALT_BYTES + NONCE_BYTES + CHECK_BYTES
MIN_PASSPHRASE = 10  # [our default]: as for an account's password (web/auth.py)
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message a user can act on."""


def sqlite_path(database_url: str) -> Path:
    """The file of a ``sqlite:///`` database URL (BackupError for any other database)."""
    if database_url.startswith(("postgresql", "postgres")):
        raise BackupError(POSTGRES_HINT)
    prefix = "sqlite:///"
    if not database_url.startswith(prefix) or database_url == prefix:
        raise BackupError(f"cannot back up this database: {database_url.split(':')[0]}")
    return Path(database_url[len(prefix):])


def backup(database: Path, target: Path, passphrase: str | None = None,
           add: Callable[[Path], object] | None = None) -> None:
    """Copy the live database to ``target`` (which must not exist yet); with a passphrase, the
    copy is encrypted (its plain form only ever exists in the database's own folder). ``add``
    puts more into the plain copy before it is checked (the photos: backup_photos.py)."""
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name")
    if not database.exists():
        raise BackupError(f"no database at {database}")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise BackupError(f"folder {str(folder)!r} does not exist")
    if passphrase is not None:
        passphrase_problem(passphrase)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)  # left by a backup that was killed
    plain = None
    try:
        os.close(private_file(partial))
        if passphrase is None:
            _copy(database, partial)
            if add is not None:
                add(partial)
            check(partial, target.name)
        else:
            fd, name = tempfile.mkstemp(dir=database.parent, prefix=f".{database.name}.",
                                        suffix=".backup")  # mkstemp: 0600
            os.close(fd)
            plain = Path(name)
            _copy(database, plain)
            if add is not None:
                add(plain)
            check(plain, target.name)
            encrypt(plain, partial, passphrase)
        os.replace(partial, target)
    finally:
        _remove_database_file(partial)
        if plain is not None:
            _remove_database_file(plain)


def check(path: Path, name: str | None = None) -> str:
    """The schema revision of a Mesoplanner database file (BackupError if it is not one);
    ``name`` is how messages call the file (default: its path)."""
    name = name or str(path)
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if db.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError(f"{name} is damaged (integrity check failed)")
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{name} is not a Mesoplanner database ({exc})") from None
    if row is None:
        raise BackupError(f"{name} is not a Mesoplanner database (no schema version)")
    return str(row[0])


def aside_path(path: Path) -> Path:
    """Where a restore keeps ``path`` aside: ``<name>.before-restore-<time>``, with ``-2``,
    ``-3``... when a restore of the same second took that name already."""
    stem = f"{path.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}"
    kept, k = path.with_name(stem), 1
    while kept.exists():
        k += 1
        kept = path.with_name(f"{stem}-{k}")
    return kept


def restore(source: Path, database: Path, name: str | None = None) -> Path | None:
    """Replace the database with the (plain) backup ``source``; returns where the old one was
    kept. ``name`` is how messages call the backup (default: its path)."""
    if not source.exists():
        raise BackupError(f"no such file: {source}")
    check(source, name)
    kept = None
    if database.exists() and database.stat().st_size > 0:  # an empty file is a new install's
        kept = aside_path(database)
        os.close(private_file(kept))
        _copy(database, kept)
    private_folder(database.parent)
    if not database.exists():
        os.close(private_file(database))
    _copy(source, database, archive=False)
    return kept


# -- encryption ----------------------------------------------------------------------------

def is_encrypted(path: Path) -> bool:
    """Whether ``path`` starts as an encrypted backup does (False if it cannot be read)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def passphrase_problem(passphrase: str) -> None:
    """Refuse a passphrase too short to protect a backup kept off the clinic computer."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the passphrase needs at least {MIN_PASSPHRASE} characters")


def _keys(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    """The encryption key and the key-check key, both derived from the passphrase."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    derived = Scrypt(salt=salt, length=64, n=1 << log2_n, r=r, p=p).derive(passphrase.encode())
    return derived[:32], derived[32:]


def _key_check(check_key: bytes, header: bytes) -> bytes:
    return hmac.new(check_key, header, hashlib.sha256).digest()[:CHECK_BYTES]


def encrypt(plain: Path, target: Path, passphrase: str) -> None:
    """Write ``plain`` encrypted with ``passphrase`` into the existing file ``target``."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    key, check_key = _keys(passphrase, salt, LOG2_N, R, P)
    head = MAGIC + _PARAMS.pack(VERSION, LOG2_N, R, P) + salt + nonce
    header = head + _key_check(check_key, head)
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(header)
    with plain.open("rb") as source, target.open("r+b") as out:
        out.truncate()
        out.write(header)
        while chunk := source.read(CHUNK):
            out.write(encryptor.update(chunk))
        out.write(encryptor.finalize())
        out.write(encryptor.tag)
        out.flush()
        os.fsync(out.fileno())


def decrypt(source: Path, target: Path, passphrase: str) -> None:
    """Write the encrypted backup ``source`` decrypted into the existing file ``target``
    (BackupError for a wrong passphrase or a damaged file; ``target`` then holds nothing
    usable and the caller removes it)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    size = source.stat().st_size
    with source.open("rb") as handle:
        header = handle.read(HEADER_BYTES)
        if not header.startswith(MAGIC):
            raise BackupError(f"{source} is not an encrypted Mesoplanner backup")
        if len(header) < len(MAGIC) + 1:
            raise BackupError(f"{source} is damaged (cut short)")
        version = header[len(MAGIC)]
        if version != VERSION:
            raise BackupError(f"{source} is an encrypted backup of format {version}, which "
                              "this version of Mesoplanner does not know: restore it with a "
                              "newer one")
        if size < HEADER_BYTES + TAG_BYTES:
            raise BackupError(f"{source} is damaged (cut short)")
        at = len(MAGIC)
        _version, log2_n, r, p = _PARAMS.unpack(header[at:at + _PARAMS.size])
        at += _PARAMS.size
        salt = header[at:at + SALT_BYTES]
        nonce = header[at + SALT_BYTES:at + SALT_BYTES + NONCE_BYTES]
        stored_check = header[-CHECK_BYTES:]
        if not (1 <= log2_n <= 30 and r >= 1 and 1 <= p <= 16
                and 128 * r * (1 << log2_n) <= MAX_SCRYPT_BYTES):
            raise BackupError(f"{source} is damaged (its header is not valid)")
        key, check_key = _keys(passphrase, salt, log2_n, r, p)
        if not hmac.compare_digest(_key_check(check_key, header[:-CHECK_BYTES]), stored_check):
            raise BackupError(f"wrong passphrase for {source} (or its header is damaged)")
        handle.seek(size - TAG_BYTES)
        tag = handle.read(TAG_BYTES)
        handle.seek(HEADER_BYTES)
        decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(header)
        left = size - HEADER_BYTES - TAG_BYTES
        with target.open("r+b") as out:
            out.truncate()
            while left > 0:
                chunk = handle.read(min(CHUNK, left))
                if not chunk:
                    raise BackupError(f"{source} is damaged (cut short)")
                left -= len(chunk)
                out.write(decryptor.update(chunk))
            try:
                out.write(decryptor.finalize())
            except InvalidTag:
                raise BackupError(f"{source} is damaged: its content does not match its "
                                  "authentication tag (cut short or changed)") from None


@contextmanager
def plain_copy(source: Path, folder: Path, passphrase: str | None) -> Iterator[Path]:
    """The backup ``source`` as a plain database file: the file itself, or, when it is
    encrypted, its decrypted copy in ``folder`` (private, removed afterwards)."""
    if not is_encrypted(source):
        yield source
        return
    if passphrase is None:
        raise BackupError(f"{source} is an encrypted backup: its passphrase is needed")
    private_folder(folder)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".restore-", suffix=".sqlite3")
    os.close(fd)
    plain = Path(name)
    try:
        decrypt(source, plain, passphrase)
        yield plain
    finally:
        _remove_database_file(plain)


# -- the server's lock ---------------------------------------------------------------------

def lock_path(database: Path) -> Path:
    """The file whose lock says that a server uses ``database``."""
    return database.with_name(f"{database.name}.serving")


def _open_lock(database: Path) -> int:
    path = lock_path(database)
    try:
        return private_file(path, os.O_RDWR)
    except FileExistsError:
        return os.open(path, os.O_RDWR)


def hold_for_server(database: Path, wait_s: float = 5.0) -> int:
    """Take the server's shared lock on ``database`` and write this process's id in the lock
    file; returns the descriptor, to keep open for the server's life (closing it, or the
    process ending, releases the lock). BackupError while a restore runs."""
    private_folder(database.parent)
    fd = _open_lock(database)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another server (shared), or a restore (exclusive)
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise BackupError(f"a restore of {database} is in progress: start "
                                          "the server when it has finished") from None
                    time.sleep(0.1)
            os.lseek(fd, 0, os.SEEK_END)
        else:  # the only one: the ids of servers gone are dropped
            os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        # Not atomic (flock(2)): a restore may come in between; the server then waits for it.
        fcntl.flock(fd, fcntl.LOCK_SH)
    except BaseException:
        os.close(fd)
        raise
    return fd


def server_pids(database: Path) -> list[int]:
    """The ids of the running processes written in the lock file (one per server started)."""
    try:
        text = lock_path(database).read_text()
    except OSError:
        return []
    alive = []
    for word in text.split():
        if not word.isdigit():
            continue
        try:
            os.kill(int(word), 0)
        except ProcessLookupError:
            continue
        except PermissionError:  # another user's process: it exists
            pass
        alive.append(int(word))
    return sorted(set(alive))


@contextmanager
def no_server(database: Path) -> Iterator[None]:
    """Hold the lock exclusively while the database is replaced: BackupError, with how to stop
    it, when a server uses the database."""
    private_folder(database.parent)
    fd = _open_lock(database)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            pids = server_pids(database)
            which = (f"pid {', '.join(map(str, pids))}" if pids else "its pid is unknown")
            raise BackupError(
                f"a Mesoplanner server is using {database} ({which}): stop it first (Ctrl+C "
                "in the terminal where 'mesoplanner serve' runs, or stop its service, e.g. "
                "'sudo systemctl stop mesoplanner'), then restore again. Nothing was changed"
            ) from None
        yield
    finally:
        os.close(fd)


# -- files ---------------------------------------------------------------------------------

def _copy(source: Path, target: Path, archive: bool = True) -> None:
    """SQLite's online backup from ``source`` into ``target`` (created or overwritten; create
    it first with private_file to keep it private). An ``archive`` (a backup, the copy a
    restore keeps) leaves write-ahead-log mode: opening it, even read-only, would otherwise
    leave -wal and -shm files beside it (the app sets the mode again at its first connection).
    The live database keeps its mode: changing it needs every other connection closed."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, \
            sqlite3.connect(target) as dst:
        src.backup(dst)
        if archive:
            dst.execute("PRAGMA journal_mode=DELETE")
    # sqlite3's context manager commits but does not close: close explicitly (Windows, NFS).
    src.close()
    dst.close()


def _remove_database_file(path: Path) -> None:
    """Remove a temporary database file and whatever journal SQLite left beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
