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
        from datetime import timedelta

        from django.core.management import call_command

        from tracker.core import schedule

        schedule.register(
            schedule.Duty(
                name="check-issued-reports",
                every=timedelta(days=1),
                offset=timedelta(hours=4),
                # A damaged file fails the task: its result names the reports.
                run=lambda slot: call_command("check_issued_reports"),
                description="Check every issued report's file is whole; list stray files.",
            )
        )
        from tracker.reports.services import give_up_stalled_issues

        schedule.register(
            schedule.Duty(
                name="give-up-stalled-report-issues",
                every=timedelta(minutes=5),
                run=lambda slot: give_up_stalled_issues(),
                description="Mark failed the report issues whose worker stopped part-way.",
            )
        )
