from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    """The data protection officer's duties (issue #14): the consultation log, subject
    access, retention review and disposal. Sits beside reports, above the strands."""

    name = "tracker.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from tracker.core.navigation import Section, register
        from tracker.core.permissions import DATA_PROTECTION

        register(
            Section(
                label="Data protection",
                url_name="dataprotection:index",
                roles=DATA_PROTECTION,
                description="Who consulted whose personal data, subject access requests, and retention review.",
                order=85,
            )
        )
