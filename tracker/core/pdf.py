"""The one place the service makes PDFs: WeasyPrint renders a template to a tagged
PDF (PDF/UA-1, title and language from the template). Board reports, per-record
reports and disclosure packs all come through `render_pdf`, and are served through
`pdf_download`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from tracker.core.downloads import attachment


class InlineOnlyFetcher(URLFetcher):
    """No network and no files: every PDF is built from our own templates with their
    styles and charts inline, and a record's text must never make it fetch anything."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if urlsplit(url).scheme == "data":
            return super().fetch(url, headers)
        raise ValueError(f"Refused to fetch {url[:80]}")


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The template rendered with `generated_at` (now, unless the context gives it)."""
    html = render_to_string(template, {"generated_at": timezone.localtime(), **context})
    pdf: bytes | None = HTML(string=html, url_fetcher=InlineOnlyFetcher()).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None  # noqa: S101  # write_pdf returns bytes when given no target
    return pdf


def pdf_download(content: bytes, name: str) -> HttpResponse:
    """`content` offered as the file `name` (made safe: names come from records). Never
    kept in a shared or browser cache: a PDF may hold personal data, and figures change."""
    response = HttpResponse(content, content_type="application/pdf")
    attachment(response, name)
    response["Cache-Control"] = "no-store"
    return response
