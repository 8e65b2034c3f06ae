import logging

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tracker.core"
    label = "core"
    verbose_name = "Organisations, users and shared lists"

    def ready(self) -> None:
        # WeasyPrint (tracker.core.pdf) logs every parsing and layout step at INFO,
        # even on import: noise in the service's logs. Set before anything imports it.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

        from tracker.core import (
            credentials,  # noqa: F401  # ends sessions and tokens on password changes
            duties,
            mywork,
            navigation,
        )
        from tracker.core.api import schema  # noqa: F401  # registers the token scheme
        from tracker.core.permissions import IMPORTS, MY_WORK

        navigation.register(
            navigation.Section(
                label="My work",
                url_name="my-work",
                roles=MY_WORK,
                description="Follow-up actions, reviews and cases that need you, soonest first.",
                order=10,
                count=lambda request: mywork.count_for(request.user),
            )
        )
        navigation.register(
            navigation.Section(
                label="Imports",
                url_name="imports",
                roles=IMPORTS,
                description="Load spreadsheets: venues, groups, engagements, referrals, incidents.",
                order=80,
            )
        )
        duties.register()
        from tracker.core.imports import services as imports

        imports.register()  # the stalled-import recovery duty
