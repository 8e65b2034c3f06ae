"""Pickers: choosing records from a list that can grow (groups, venues, officers,
people) by typing, never by scrolling every option.

A picker renders only what is chosen, as ticked boxes, and a text box to find
more. Without JavaScript the text is matched on the server when the form is sent:
one match is chosen; several come back as unticked boxes to tick. With JavaScript
(static/js/pickers.mjs) the text box becomes an accessible autocomplete fed by a
JSON search endpoint (`search_response`), and the chosen items a list with a
Remove button each. Either way the page's size does not grow with the list.

The field's queryset decides what may be chosen, so validation is unchanged: an id
the user cannot see answers exactly as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import JsonResponse
from django.urls import reverse

from tracker.core.access_log import consulted

# A search: the queryset narrowed to records matching the text the user typed.
Search = Callable[[QuerySet[Any], str], QuerySet[Any]]
# How a record is named in the picker (e.g. a venue with its town and postcode).
Label = Callable[[Any], str]

PAGE_SIZE = 20
MAX_ID = 2**63 - 1  # ids are 64-bit: a larger number would overflow the query
MAX_QUERY_LENGTH = 100


def is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 19 and 0 < int(value) <= MAX_ID


def clean_query(value: str) -> str:
    # PostgreSQL refuses NUL characters in a query; nobody searches for one.
    return value.replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


class Picked(list[str]):
    """What a picker posted: the chosen ids, and the text typed to find more."""

    def __init__(self, ids: Sequence[str] = (), find: str = ""):
        super().__init__(ids)
        self.find = find


class Picker(forms.Widget):
    """The picker's markup (forms/picker.html). `choices` is set by the field (as
    Django's choice fields do), and only the chosen records are read from it."""

    template_name = "forms/picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.choices: Any = ()
        self.multiple = False
        self.search: Search | None = None
        self.label: Label = str
        self.search_url_name = ""
        self.noun = "record"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Picked:
        ids = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        if isinstance(ids, str | int):
            ids = [ids]
        return Picked([str(i) for i in ids if str(i).strip()], clean_query(str(data.get(f"{name}__find", ""))))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}__find" not in data

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, list | tuple):
            return [str(v) for v in value if v not in (None, "")]
        return [str(value)]

    def _records(self, ids: list[str]) -> list[Any]:
        queryset: QuerySet[Any] | None = getattr(self.choices, "queryset", None)
        wanted = [int(i) for i in ids if is_id(i)]
        if queryset is None or not wanted:
            return []
        by_id = {record.pk: record for record in queryset.filter(pk__in=wanted)}
        return [by_id[i] for i in dict.fromkeys(wanted) if i in by_id]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        ids = self.format_value(value)
        chosen = self._records(ids)
        find = value.find if isinstance(value, Picked) else ""
        candidates: list[Any] = []
        queryset = getattr(self.choices, "queryset", None)
        if find and self.search is not None and queryset is not None:
            chosen_ids = {record.pk for record in chosen}
            candidates = [r for r in self.search(queryset, find)[:PAGE_SIZE] if r.pk not in chosen_ids]
            if len(candidates) == 1:
                # The text named one record: it is chosen (the form failed on something else).
                chosen, candidates, find = [*chosen, *candidates] if self.multiple else candidates, [], ""
        # Records shown that are about people (a person picker) are consultations of
        # them: the request's access-log row names them (tracker.core.access_log).
        consulted([*chosen, *candidates])
        context["widget"].update(
            {
                "chosen": [(record.pk, self.label(record)) for record in chosen],
                "candidates": [(record.pk, self.label(record)) for record in candidates],
                "find": find if candidates or not chosen else "",
                "multiple": self.multiple,
                "noun": self.noun,
                "search_url": reverse(self.search_url_name) if self.search_url_name else "",
            }
        )
        return context


class PickerMixin:
    """Shared by the single and multiple picker fields: the widget's settings and the
    server-side match of the typed text."""

    widget = Picker
    multiple = False

    def setup_picker(self, *, search: Search, search_url_name: str, noun: str, describe: Label | None) -> None:
        field = cast(forms.ModelChoiceField[Any], self)
        widget = cast(Picker, field.widget)
        widget.multiple = self.multiple
        widget.search = search
        widget.search_url_name = search_url_name
        widget.noun = noun
        widget.label = describe or field.label_from_instance
        self.search = search
        self.noun = noun
        message = f"Choose a {noun} from the search results"
        field.error_messages.update(invalid_choice=message, invalid_pk_value=message, invalid_list=message)

    def prepare_value(self, value: Any) -> Any:
        # Keep the typed text with the posted ids, for the widget to show matches.
        if isinstance(value, Picked):
            return value
        return cast(forms.ModelChoiceField[Any], super()).prepare_value(value)

    def found(self, value: Picked) -> list[str]:
        """The ids posted, plus the one record the typed text names. Text matching
        nothing, or several records, is an error that says what to do. An id that is
        not a whole number the database can hold is refused as any unknown id is."""
        ids = list(value)
        for pk in ids:
            if not is_id(pk):
                field = cast(forms.ModelChoiceField[Any], self)
                raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice")
        if not value.find:
            return ids
        queryset: QuerySet[Any] = cast(forms.ModelChoiceField[Any], self).queryset  # type: ignore[assignment]
        matches = list(self.search(queryset, value.find).values_list("pk", flat=True)[:2])
        if not matches:
            raise ValidationError(f"No {self.noun} matches “{value.find}”: check the spelling or type less of it")
        if len(matches) > 1:
            raise ValidationError(
                f"More than one {self.noun} matches “{value.find}”: tick the one you mean below, "
                "or type more of its name"
            )
        # Typing a name for a single choice replaces the one chosen before.
        return [*ids, str(matches[0])] if self.multiple else [str(matches[0])]


class PickerChoiceField(PickerMixin, forms.ModelChoiceField[Any]):
    """One record, picked by typing."""

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        search: Search,
        search_url_name: str,
        noun: str,
        describe: Label | None = None,
        **kwargs: Any,
    ):
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset, **kwargs)
        self.setup_picker(search=search, search_url_name=search_url_name, noun=noun, describe=describe)

    def to_python(self, value: Any) -> Model | None:
        if isinstance(value, Picked):
            ids = self.found(value)
            if len(set(ids)) > 1:
                raise ValidationError(f"Choose one {self.noun} only: untick the others")
            value = ids[0] if ids else None
        elif isinstance(value, list | tuple):
            value = value[0] if value else None
        return cast(Model | None, super().to_python(value))

    def has_changed(self, initial: Any, data: Any) -> bool:
        if isinstance(data, Picked):
            data = data[0] if len(data) == 1 and not data.find else data
        return bool(super().has_changed(initial, data))


class PickerMultipleChoiceField(PickerMixin, forms.ModelMultipleChoiceField[Any]):
    """Several records, picked by typing and listed as chosen."""

    multiple = True

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        search: Search,
        search_url_name: str,
        noun: str,
        describe: Label | None = None,
        **kwargs: Any,
    ):
        super().__init__(queryset, **kwargs)
        self.setup_picker(search=search, search_url_name=search_url_name, noun=noun, describe=describe)

    def clean(self, value: Any) -> Any:
        if isinstance(value, Picked):
            value = self.found(value)
        return super().clean(value)


def search_response(records: Sequence[Any], label: Label) -> JsonResponse:
    """A page of matches as the pickers read it: {"results": [{"id", "label"}], "more"}.
    Pass up to PAGE_SIZE + 1 records: the extra one only says there are more."""
    results = [{"id": record.pk, "label": label(record)} for record in records[:PAGE_SIZE]]
    response = JsonResponse({"results": results, "more": len(records) > PAGE_SIZE})
    response["Cache-Control"] = "private, no-store"
    return response
