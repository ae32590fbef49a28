"""The photo store of a clinic chain (issue 20): an S3-compatible object store, reached through
boto3, here moto's standalone server started by the tests (one for the module). The photos go
there and only there, under random keys, come back as kept, go with a backup and come back
with its restore; a store that cannot be reached saves nothing and says so."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from tests.helpers.photos import phone_jpeg, upload_form
from tests.helpers.records import draft
from tests.helpers.s3 import CREDENTIALS, client, s3_server


@pytest.fixture(scope="module")
def endpoint() -> str:
    with s3_server() as address:
        yield address


@pytest.fixture
def bucket(endpoint, monkeypatch) -> str:
    """A new bucket of the test server, and the standard AWS settings to reach it."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    name = f"clinic-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(Bucket=name)
    return name


def objects(endpoint: str, bucket: str) -> dict[str, bytes]:
    s3 = client(endpoint)
    found = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            for item in found}


def test_the_s3_store_keeps_and_gives_back_bytes(endpoint, bucket):
    from planner.photos.stores import PhotoMissing, S3Store, new_key, store_for

    store = store_for({"PHOTO_STORE": f"s3://{bucket}/photos", "PHOTO_S3_ENDPOINT": endpoint,
                       "DATA_DIR": "/nowhere"})
    assert isinstance(store, S3Store) and store.prefix == "photos/"
    key = new_key("jpg")
    store.put(key, b"\xff\xd8 bytes", "image/jpeg")
    assert store.get(key) == b"\xff\xd8 bytes"
    assert list(store.keys()) == [key]
    assert client(endpoint).head_object(Bucket=bucket, Key=f"photos/{key}")[
        "ContentType"] == "image/jpeg"
    store.delete(key)
    with pytest.raises(PhotoMissing):
        store.get(key)


def test_a_store_that_cannot_be_reached_says_so(bucket):
    import boto3
    from botocore.config import Config

    from planner.photos.stores import S3Store, StoreError, new_key
    from tests.helpers.commands import free_port

    nowhere = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{free_port()}",
                           config=Config(retries={"max_attempts": 1}, connect_timeout=1,
                                         s3={"addressing_style": "path"}))
    store = S3Store(bucket, "", client=nowhere)
    with pytest.raises(StoreError, match=r"cannot be reached|refused"):
        store.put(new_key("jpg"), b"x", "image/jpeg")
    with pytest.raises(StoreError, match="cannot be reached"):
        store.get(new_key("jpg"))


def test_a_setting_that_is_not_an_s3_address_is_refused():
    from planner.photos.stores import StoreError, store_for

    for wrong in ("s3://", "minio://bucket", "/var/photos"):
        with pytest.raises(StoreError, match="MESOPLANNER_PHOTO_STORE"):
            store_for({"PHOTO_STORE": wrong, "DATA_DIR": "/nowhere"})


def test_the_app_keeps_photos_in_the_bucket_only(app, doctor, cycle, client, endpoint, bucket):
    app.config.update(PHOTO_STORE=f"s3://{bucket}/clinic-a", PHOTO_S3_ENDPOINT=endpoint)
    rid = draft(doctor, 1)
    response = doctor(f"/patients/{cycle['patient']}/photos",
                      upload_form(phone_jpeg(), record_id=str(rid)),
                      content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[-800:]
    stored = objects(endpoint, bucket)
    assert len(stored) == 2
    assert all(re.fullmatch(r"clinic-a/[0-9a-f]{32}(-preview)?\.jpg", k) for k in stored)
    assert not (Path(app.config["DATA_DIR"]) / "photos").exists()
    served = client.get("/photos/1/image")
    assert served.status_code == 200
    assert served.data in stored.values() and b"GPS" not in served.data
    assert doctor("/photos/1/delete").status_code == 303
    assert objects(endpoint, bucket) == {}


def test_a_backup_takes_the_buckets_photos_and_a_restore_puts_them_back(
        app, doctor, cycle, endpoint, bucket, tmp_path):
    from planner.backup import backup, sqlite_path
    from planner.backup_photos import add_photos, restore_photos
    from planner.photos.stores import store_for

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("mesoplanner backup is SQLite's (PostgreSQL: pg_dump, docs/backups.md)")
    app.config.update(PHOTO_STORE=f"s3://{bucket}", PHOTO_S3_ENDPOINT=endpoint)
    response = doctor(f"/patients/{cycle['patient']}/photos", upload_form(phone_jpeg()),
                      content_type="multipart/form-data")
    assert response.status_code == 303
    before = objects(endpoint, bucket)
    store = store_for(app.config)
    database = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    copy = tmp_path / "copy.sqlite3"
    backup(database, copy, add=lambda plain: add_photos(plain, store.get))
    for key in before:
        client(endpoint).delete_object(Bucket=bucket, Key=key)
    assert objects(endpoint, bucket) == {}
    assert restore_photos(copy, store) == 1
    assert objects(endpoint, bucket) == before
