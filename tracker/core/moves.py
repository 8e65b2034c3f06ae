"""The one move page: confirm a lifecycle move (tracker.core.lifecycle) with its
reason, note and the strand's own fields, for every record with a status.

The strand's view finds the record (its getter decides visibility: 404) and calls
`move_page()`. A user who may see the record but not make the move gets 403; a
move the status does not allow sends them back with the reason; an invalid form
is shown again with its errors (200, like every form page: tracker.core.pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect

from tracker.core.forms import RecordVersionMixin, choice_field
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.lifecycle import Lifecycle, Move
from tracker.core.pages import form_page


class MoveForm(RecordVersionMixin, forms.Form):
    """The strand's fields for this move (a date, say), a coded reason where the
    move needs one, a note, and the version of the record as the page loaded it."""

    reason = forms.TypedChoiceField(coerce=int, error_messages={"required": "Choose a reason"})
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(
        self,
        *args: Any,
        lifecycle: Lifecycle[Any],
        move: Move,
        record: Any,
        extra_fields: dict[str, forms.Field] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, versioned=record, **kwargs)
        extra = extra_fields or {}
        self.extra_names = list(extra)
        self.fields.update(extra)
        if move.needs_reason:
            self.reasons = {reason.pk: reason for reason in lifecycle.reasons()}
            choices = lifecycle.reason_choices(list(self.reasons.values()))
            choice_field(self, "reason").choices = [("", "Choose a reason"), *choices]
        else:
            del self.fields["reason"]
        self.order_fields([*self.extra_names, "reason", "note", "version"])

    def clean_reason(self) -> Any:
        return self.reasons[self.cleaned_data["reason"]]

    def move_arguments(self) -> dict[str, Any]:
        """apply_move's keyword arguments, besides `by`."""
        data = self.cleaned_data
        arguments = {name: data[name] for name in self.extra_names}
        arguments.update(expected_version=self.expected_version(), note=data["note"])
        if "reason" in self.fields:
            arguments["reason"] = data["reason"]
        return arguments


def move_page(
    request: AuthenticatedHttpRequest,
    record: Any,
    verb: str,
    *,
    lifecycle: Lifecycle[Any],
    back_url: str,
    title: str,
    caption: str = "",
    submit: str = "Confirm",
    extra_fields: dict[str, forms.Field] | None = None,
) -> HttpResponse:
    """Show the move's form; on a valid POST make the move with `apply_move` and go
    back to `back_url` with the lifecycle's confirmation."""
    user: Any = request.user
    move = lifecycle.move(verb)
    if not lifecycle.may(user, record, verb):
        raise PermissionDenied
    posted = request.method == "POST"
    if not posted and record.status not in move.sources:
        messages.error(request, lifecycle.refusal(record, move))
        return redirect(back_url)
    form = MoveForm(
        request.POST if posted else None, lifecycle=lifecycle, move=move, record=record, extra_fields=extra_fields
    )
    return form_page(
        request,
        form,
        title=title,
        caption=caption,
        back_url=back_url,
        submit=submit,
        save=lambda: lifecycle.apply(record, verb, by=user, **form.move_arguments()),
        saved=lambda _: lifecycle.moved_message(record),
        about=record,  # its caption may name a person
    )
