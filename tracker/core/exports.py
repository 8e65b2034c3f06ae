"""Spreadsheet exports: django-import-export resources that neutralise formulas,
and the response that sends a filtered list as CSV or XLSX."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import tablib
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from import_export import resources, widgets
from import_export.formats.base_formats import CSV, XLSX

from tracker.core.downloads import attachment
from tracker.core.imports import cells

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {"csv": CSV, "xlsx": XLSX}


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with a quote, which
    spreadsheets show as text; `restore()` takes it off again on import."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


NUMBER_LIKE = re.compile(r"[+-][\d\s().]+")


def looks_like_formula(value: Any) -> bool:
    """A cell a spreadsheet would evaluate. Text that our own export quoted is not
    one, and neither is a signed number or a phone number such as +44 1905 123456."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if len(text) < 2 or text.startswith("'"):
        return False
    if text[0] in "=@":
        return True
    return text[0] in "+-" and not NUMBER_LIKE.fullmatch(text)


class YesNoWidget(widgets.Widget):
    """A true/false column: written "yes" or "no", read with the import vocabulary."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool | None:
        return None if cells.blank(value) else cells.yes_no(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "yes" if value else "no"


class IsoDateWidget(widgets.DateWidget):
    """A date column: written YYYY-MM-DD, read with the import vocabulary."""

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        return None if cells.blank(value) else cells.a_date(value)


class SafeExportResource(resources.ModelResource):
    """Base for every resource: exported text cannot run as a formula, and dates
    are written in the local time zone."""

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return neutralise(value)


def sheet_title(name: str) -> str:
    """A list's name as a sheet's: "community-groups" → "Community groups"."""
    return name.replace("-", " ").replace("_", " ").strip().capitalize()


def export_dataset(
    resource: resources.ModelResource, queryset: QuerySet[Any] | None, *, fmt: str, title: str
) -> tablib.Dataset:
    """The rows of `queryset` (None: the resource's own) as a dataset titled after the
    list, the name its XLSX sheet takes. In XLSX, numbers, dates and times stay
    numbers, dates and times (the importer reads such cells back); CSV is text."""
    dataset = resource.export(queryset, force_native_type=fmt == "xlsx")
    dataset.title = title
    return dataset


def export_response(
    resource: resources.ModelResource, queryset: QuerySet[Any], *, fmt: str, filename: str, title: str = ""
) -> HttpResponse:
    """The rows of `queryset`, in its order, as a CSV or XLSX download; the sheet is
    named `title` (by default after `filename`)."""
    file_format = FORMATS[fmt]()
    dataset = export_dataset(resource, queryset, fmt=fmt, title=title or sheet_title(filename))
    content = file_format.export_data(dataset)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response = HttpResponse(content, content_type=file_format.get_content_type())
    attachment(response, f"{filename}-{stamp}.{file_format.get_extension()}")
    return response
