"""Test settings: the production settings with what a test run needs changed."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from tracker.settings import *  # noqa: E402,F403
from tracker.settings import CACHES, STORAGES

# The live server used by browser tests cannot serve hashed static names.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, tests only

# Tasks run at once, in the request that enqueues them; the worker tests use the
# database queue and real `db_worker` processes.
# (A test that starts worker processes gives them the database queue through
# TEST_TASKS_BACKEND.)
TASKS = {
    "default": {"BACKEND": os.environ.get("TEST_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SITE_URL = "https://tracker.example.org"
# Progress in this process's memory; the system test's processes share files instead.
CACHES = {**CACHES, "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "progress"}}
