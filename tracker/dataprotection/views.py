"""The data protection pages' landing page. Each duty has its own views module."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.permissions import DATA_PROTECTION, roles_required


@roles_required(DATA_PROTECTION)
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "dataprotection/index.html", {"title": "Data protection"})
