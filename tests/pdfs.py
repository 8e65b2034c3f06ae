"""Reading the PDFs the service makes, as a reader's tools would."""

from __future__ import annotations

import subprocess


def pdf_text(content: bytes) -> str:
    """The text of a PDF laid out as on the page (poppler's pdftotext)."""
    assert content.startswith(b"%PDF")
    result = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()
