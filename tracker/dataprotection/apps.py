from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    """The data protection officer's duties (issue #14): the consultation log, subject
    access, retention review and disposal. Sits beside reports, above the strands."""

    name = "tracker.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from tracker.core import mywork
        from tracker.core.navigation import Section, register
        from tracker.core.permissions import DATA_PROTECTION
        from tracker.core.roles import Role

        register(
            Section(
                label="Data protection",
                url_name="dataprotection:index",
                roles=DATA_PROTECTION,
                description="Who consulted whose personal data, subject access requests, and retention review.",
                order=85,
            )
        )
        from . import subject_access

        # The DPO's My work: subject access requests to answer. Administrators may
        # open the requests from the data protection pages; their My work stays casework.
        mywork.register(
            mywork.Provider(
                name="subject_access",
                roles=frozenset({Role.DPO}),
                sections=subject_access.work_sections,
                count=subject_access.work_count,
            )
        )
        from datetime import timedelta

        from django.core.management import call_command

        from tracker.core import schedule

        schedule.register(
            schedule.Duty(
                name="data-protection-duties",
                every=timedelta(days=1),
                offset=timedelta(hours=2),
                run=lambda slot: call_command("data_protection_duties"),
                description="Purge old drafts and refused uploads, prune the consultation log, flag unusual volume.",
            )
        )
        from . import notices

        notices.register()
