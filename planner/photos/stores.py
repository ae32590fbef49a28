"""Where photos are kept: a folder of the data folder (the default), or an S3-compatible object
store for a clinic chain whose servers share one (``MESOPLANNER_PHOTO_STORE=s3://bucket/prefix``).

A photo is kept under a random key (``<32 hex digits>.jpg``, its preview ``...-preview.jpg``):
nothing of the patient is in a file's name or an object's key. The database says which photo is
whose; the store only holds bytes.

The local folder (``<data folder>/photos/<2 hex>/<key>``) is outside anything the web server
serves: the app hands a photo out itself, to a logged-in user whose role may see the record.
Its files are readable by their owner only (0600 files, 0700 folders, as every file of the data
folder) and appear whole or not at all (written aside, then renamed).

The S3 store talks to any S3-compatible server (AWS S3, MinIO, Ceph's RADOS gateway...) through
boto3, with the credentials and region of the standard AWS settings (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, or a profile) and the server's address from
``MESOPLANNER_PHOTO_S3_ENDPOINT`` (or boto3's own ``AWS_ENDPOINT_URL_S3``/``AWS_ENDPOINT_URL``);
an endpoint given means path-style addressing, which every S3-compatible server understands.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

from planner.config import private_file, private_folder

STORE_VARIABLE = "MESOPLANNER_PHOTO_STORE"
ENDPOINT_VARIABLE = "MESOPLANNER_PHOTO_S3_ENDPOINT"
KEY = re.compile(r"[0-9a-f]{32}(-preview)?\.(jpg|png)")


class StoreError(Exception):
    """A photo store that cannot be used (its setting, or the server), with what to do."""


class PhotoMissing(StoreError):
    """The store has no photo under this key."""


def new_key(extension: str) -> str:
    """A random key for a new photo (its preview's: ``preview_key(key)``)."""
    return f"{secrets.token_hex(16)}.{extension}"


def preview_key(key: str) -> str:
    """The key of a photo's preview: ``<hex>-preview.jpg`` (always a JPEG)."""
    return f"{key.split('.', 1)[0]}-preview.jpg"


def checked(key: str) -> str:
    """``key`` if it is one of ours (never a path of another folder), else StoreError."""
    if not KEY.fullmatch(key):
        raise StoreError(f"not a photo key: {key[:80]!r}")
    return key


class PhotoStore(Protocol):
    """Bytes under keys: what the photos' service needs of a store."""

    description: str

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def keys(self) -> Iterator[str]: ...


class LocalStore:
    """Photos in a private folder of the data folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.description = str(folder)

    def path(self, key: str) -> Path:
        return self.folder / checked(key)[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        target = self.path(key)
        private_folder(self.folder)
        private_folder(target.parent)
        partial = target.with_name(f".{key}.partial")
        partial.unlink(missing_ok=True)
        try:
            with os.fdopen(private_file(partial), "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise PhotoMissing(key) from None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("??/*")):
            if KEY.fullmatch(path.name):
                yield path.name


class S3Store:
    """Photos in a bucket of an S3-compatible object store, under ``prefix``."""

    def __init__(self, bucket: str, prefix: str = "", endpoint: str | None = None,
                 client: Any = None) -> None:
        self.bucket, self.prefix = bucket, prefix
        self.description = f"s3://{bucket}/{prefix}"
        self.client = client if client is not None else s3_client(endpoint)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._call("put_object", Bucket=self.bucket, Key=self.prefix + checked(key),
                   Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError  # type: ignore[import-untyped]

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + checked(key))
            body: bytes = answer["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise PhotoMissing(key) from None
            raise StoreError(f"the photo store {self.description} answered: {exc}") from None
        except Exception as exc:  # the server unreachable, a timeout
            raise StoreError(f"the photo store {self.description} cannot be reached: "
                             f"{type(exc).__name__}") from None
        return body

    def delete(self, key: str) -> None:
        self._call("delete_object", Bucket=self.bucket, Key=self.prefix + checked(key))

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                name = str(item["Key"])[len(self.prefix):]
                if KEY.fullmatch(name):
                    yield name

    def _call(self, operation: str, **arguments: Any) -> None:
        try:
            getattr(self.client, operation)(**arguments)
        except Exception as exc:
            raise StoreError(f"the photo store {self.description} refused or cannot be "
                             f"reached ({type(exc).__name__}): nothing was saved") from None


def s3_client(endpoint: str | None) -> Any:
    """A boto3 S3 client: the standard AWS settings, ``endpoint`` if given (path-style)."""
    import boto3  # type: ignore[import-untyped]
    from botocore.config import Config  # type: ignore[import-untyped]

    options: dict[str, Any] = {"connect_timeout": 5, "read_timeout": 30,
                               "retries": {"max_attempts": 3, "mode": "standard"}}
    if endpoint:
        options["s3"] = {"addressing_style": "path"}
    return boto3.client("s3", endpoint_url=endpoint or None, config=Config(**options))


def store_for(config: Mapping[str, Any]) -> PhotoStore:
    """The store an app's configuration names: ``PHOTO_STORE`` (else
    ``$MESOPLANNER_PHOTO_STORE``) ``s3://bucket/prefix``, or by default the ``photos`` folder of
    ``DATA_DIR``."""
    url = str(config.get("PHOTO_STORE") or os.environ.get(STORE_VARIABLE, "")).strip()
    if not url:
        return LocalStore(Path(config["DATA_DIR"]) / "photos")
    if not url.startswith("s3://") or not url[5:].split("/", 1)[0]:
        raise StoreError(f"{STORE_VARIABLE} must be s3://BUCKET or s3://BUCKET/PREFIX, not "
                         f"{url[:80]!r}")
    bucket, _slash, prefix = url[5:].partition("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    endpoint = config.get("PHOTO_S3_ENDPOINT") or os.environ.get(ENDPOINT_VARIABLE) or None
    return S3Store(bucket, prefix, endpoint)
