"""Several app servers: files in a shared S3-compatible bucket, the cache in Redis.

Issued reports and uploaded import files must go through Django's storage API only,
so a deployment can keep them in object storage that every server reads. These tests
swap the default storage for django-storages' S3 backend against an in-process S3
(moto) and check that nothing lands on local disk and everything reads back."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto import mock_aws

from partners.models import Venue
from tracker.core.models import ImportJob
from tracker.reports.models import IssuedReport

BUCKET = "tracker-files"
REGION = "eu-west-2"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bucket(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        # Local disk is still configured, so a write that bypasses the storage API shows up here.
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": REGION,
                    "location": "tracker",
                    "default_acl": "private",
                    "file_overwrite": False,
                },
            },
        }
        yield s3


def _keys(s3: Any) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.django_db
def test_an_issued_report_is_archived_in_the_bucket_and_downloads_byte_for_byte(
    client: Any, users: dict[str, Any], areas: dict[str, Any], bucket: Any
) -> None:
    client.force_login(users["officer"])
    response = client.post(reverse("reports:issue"), {"start": "2018-07-01", "end": "2018-09-30"})
    assert response.status_code == 302
    report = IssuedReport.objects.get()
    keys = _keys(bucket)
    assert keys == [f"tracker/{report.file.name}"]
    stored = bucket.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read()
    assert stored.startswith(b"%PDF")
    assert hashlib.sha256(stored).hexdigest() == report.sha256

    # Another role downloads it, as from any other server: the bytes come from the bucket.
    client.force_login(users["board"])
    download = client.get(reverse("reports:issued-download", args=[report.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored
    assert not Path(django_settings.MEDIA_ROOT).exists()


@pytest.mark.django_db
def test_an_uploaded_import_is_kept_in_the_bucket_and_imported_from_it(
    client: Any, users: dict[str, Any], areas: dict[str, Any], bucket: Any
) -> None:
    content = (ROOT / "fixtures" / "venues-example.csv").read_bytes()
    client.force_login(users["officer"])
    response = client.post(
        reverse("import-upload", args=["venues"]),
        {"file": SimpleUploadedFile("register.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PREVIEWED
    assert _keys(bucket) == [f"tracker/{job.file.name}"]
    assert bucket.get_object(Bucket=BUCKET, Key=f"tracker/{job.file.name}")["Body"].read() == content

    client.post(reverse("import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTED
    assert Venue.objects.count() == job.new > 0
    assert not Path(django_settings.MEDIA_ROOT).exists()


def _settings_in_a_fresh_process(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("FILE_STORAGE", "S3_", "CACHE_URL"))},
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "SECRET_KEY": "x" * 50,
        **environment,
    }
    code = (
        "import django, json; from django.conf import settings; "
        "print(json.dumps({'storage': settings.STORAGES['default'], 'cache': settings.CACHES['default']['BACKEND']}))"
    )
    return subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_environment_chooses_object_storage_and_a_shared_cache() -> None:
    result = _settings_in_a_fresh_process(
        FILE_STORAGE="s3", S3_BUCKET="reports", S3_ENDPOINT_URL="https://objects.example.org",
        CACHE_URL="redis://cache.example.org:6379/1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"BACKEND": "storages.backends.s3.S3Storage"' in result.stdout
    assert '"bucket_name": "reports"' in result.stdout
    assert '"endpoint_url": "https://objects.example.org"' in result.stdout
    assert '"cache": "django.core.cache.backends.redis.RedisCache"' in result.stdout


def test_object_storage_without_a_bucket_refuses_to_start() -> None:
    result = _settings_in_a_fresh_process(FILE_STORAGE="s3")
    assert result.returncode != 0
    assert "S3_BUCKET" in result.stderr


def test_an_unknown_storage_kind_refuses_to_start() -> None:
    result = _settings_in_a_fresh_process(FILE_STORAGE="ftp")
    assert result.returncode != 0
    assert "FILE_STORAGE must be 'local' or 's3'" in result.stderr


def _redis_url() -> str | None:
    """The Redis to test against. Where TEST_REDIS_URL is set (CI sets it) a server
    must answer there, and the test fails rather than skips when none does."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        if "TEST_REDIS_URL" in os.environ:
            pytest.fail(f"TEST_REDIS_URL is set but no Redis server answers at {url}.")
        return None
    return url


def test_two_processes_share_the_redis_cache(settings: Any) -> None:
    """What one app server counts (API throttling) the other sees."""
    url = _redis_url()
    if url is None:
        pytest.skip("No Redis server answers at redis://127.0.0.1:6379/15; set TEST_REDIS_URL to require one.")
    from django.core.cache import caches

    key = f"throttle-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    cache = caches["default"]
    cache.set(key, 41, timeout=60)
    code = (
        "import sys, django; django.setup(); from django.core.cache import cache; "
        "cache.incr(sys.argv[1]); print(cache.get(sys.argv[1]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.test_settings", "CACHE_URL": url}
    result = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", code, key], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    try:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "42"
        assert cache.get(key) == 42
    finally:
        cache.delete(key)
