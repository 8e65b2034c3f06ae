"""Loads the demo data of every app that has a `demo` module with a `seed()`.

Apps are seeded in INSTALLED_APPS order, so the core's areas and users exist before
the strands that refer to them. Each app's seed is idempotent."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction


class Command(BaseCommand):
    help = "Create the demo organisations, users and records (safe to run twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="Multiply the demo records (default 1).")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args: Any, scale: int, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a known password; it runs only with DEBUG on, or with --force."
            )
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        for config in apps.get_app_configs():
            if not str(config.path).startswith(str(settings.BASE_DIR)):
                continue  # only this project's apps
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).seed(scale=scale, log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready. Sign in as admin, officer, liaison, liaison2, board or dpo "
                "with the demo password (see README)."
            )
        )
