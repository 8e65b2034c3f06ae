"""File names of downloads, made safe in one place.

Download names are built from records (a case reference, a venue or area name), and a
stored value may hold anything: a `"` would end the quoted name early, and a CR or LF
makes Django refuse the header (a 500) or, elsewhere, starts a new header. Every download
names its file through `attachment()`, which keeps the name to safe characters and lets
Django encode the header (RFC 6266, `filename*=` for anything beyond plain ASCII).
"""

from __future__ import annotations

import re
import unicodedata

from django.http import HttpResponseBase
from django.utils.http import content_disposition_header

# Control characters, quotes, backslashes and path separators: none belongs in a name
# a browser offers to save, and each could end or split the header.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')
_RUNS = re.compile(r"[\s-]*-[\s-]*|\s+")
MAX_LENGTH = 150


def safe_filename(name: str, *, default: str = "download") -> str:
    """`name` as a file name: unsafe characters become "-", runs of them one "-",
    at most 150 characters (keeping the extension), never empty or hidden."""
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE.sub("-", name)
    name = _RUNS.sub(lambda m: "-" if "-" in m.group() else " ", name)
    name = re.sub(r"[ -]+\.", ".", name).strip(" .-")  # "ref-.pdf" reads as "ref.pdf"
    if len(name) > MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and len(extension) <= 5:
            name = stem[: MAX_LENGTH - len(extension) - 1].rstrip(" .-") + "." + extension
        else:
            name = name[:MAX_LENGTH]
    return name or default


def content_disposition(name: str) -> str:
    """The Content-Disposition value that offers `name` (made safe) as an attachment."""
    header = content_disposition_header(as_attachment=True, filename=safe_filename(name))
    assert header is not None  # noqa: S101  # always a value for an attachment
    return header


def attachment(response: HttpResponseBase, name: str) -> HttpResponseBase:
    """Mark `response` as a download of a file called `name` (made safe)."""
    response["Content-Disposition"] = content_disposition(name)
    return response
