from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tracker.reports"
    label = "reports"
    verbose_name = "Figures and reports"

    def ready(self) -> None:
        from tracker.core.navigation import Section, register
        from tracker.core.permissions import REPORTS

        register(
            Section(
                label="Dashboard",
                url_name="reports:dashboard",
                roles=REPORTS,
                description="Assault figures for any period and area, and the board progress report.",
                order=80,
            )
        )
