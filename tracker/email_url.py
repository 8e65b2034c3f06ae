"""Django's mailer settings (MAILERS) from one EMAIL_URL, read the way django-environ
reads email URLs: smtp://host:25, smtp+tls://user:password@host:587,
smtp+ssl://user:password@host:465, consolemail://. Used by the settings and the tests."""

from __future__ import annotations

import environ


def mailer_from_url(url: str, *, timeout: int = 20) -> dict[str, object]:
    config = environ.Env.email_url_config(url)
    backend = str(config["EMAIL_BACKEND"])
    if not backend.endswith("smtp.EmailBackend"):
        return {"BACKEND": backend}
    options = {
        "host": config.get("EMAIL_HOST") or "localhost",
        "port": config.get("EMAIL_PORT") or 25,
        "username": config.get("EMAIL_HOST_USER") or None,
        "password": config.get("EMAIL_HOST_PASSWORD") or None,
        "use_tls": bool(config.get("EMAIL_USE_TLS")),
        "use_ssl": bool(config.get("EMAIL_USE_SSL")),
        "timeout": timeout,
    }
    return {"BACKEND": backend, "OPTIONS": options}
