"""The one form page of the service, and the one way a form page saves.

Every strand's create, edit and confirm page (and the core move page) is
`form_page`: on a valid POST it calls the strand's service once through `save`
(the service claims the version); a stale version shows what changed since the
page loaded; a refusal (`DomainError`) is shown on the form; otherwise the
success message and a redirect. An invalid form is shown again with its errors,
answering 200 on every form page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render

from tracker.core.access_log import consulted
from tracker.core.errors import DomainError
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.models import AccessLog
from tracker.core.versioning import EditConflict


def posted(request: AuthenticatedHttpRequest) -> QueryDict | None:
    """The submitted data, even when empty (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None


def form_page[T](
    request: AuthenticatedHttpRequest,
    form: Any,
    *,
    title: str,
    back_url: str,
    submit: str,
    caption: str = "",
    save: Callable[[], T] | None = None,
    saved: Callable[[T], str] | str = "Saved.",
    then: Callable[[T], str] | str | None = None,
    refusal_field: str | None = None,
    template: str = "core/form.html",
    about: Model | None = None,
    **context: Any,
) -> HttpResponse:
    """Show `form`; when it is posted and valid, `save()`. Then say `saved` and go
    to `then` (both may be worked out from what `save` returned; `then` defaults to
    `back_url`). A refusal is shown on `refusal_field`, or on the whole form. A page
    that lays its form out itself gives its own `template` (given the same context).

    A page shown (not a save that redirects) is a consultation of the people it shows:
    those of the record it is `about` (its caption or fields name a person), and any
    a person picker among its fields renders (see tracker.core.access_log)."""
    if save is not None and request.method == "POST" and form.is_valid():
        try:
            result = save()
        except EditConflict as conflict:
            form.add_conflict(conflict)
        except DomainError as error:
            form.add_error(refusal_field, error.message)
        else:
            messages.success(request, saved(result) if callable(saved) else saved)
            target = back_url if then is None else then
            return redirect(target(result) if callable(target) else target)
    consulted(about=about, action=AccessLog.Action.FORM)
    context.update(form=form, title=title, caption=caption, back_url=back_url, submit=submit)
    return render(request, template, context)
