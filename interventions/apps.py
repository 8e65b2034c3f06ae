from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = "Offenders, programmes and referrals"

    def ready(self) -> None:
        from tracker.core import mywork, navigation
        from tracker.core.permissions import INTERVENTIONS

        from . import mywork as work

        navigation.register(
            navigation.Section(
                label="Referrals",
                url_name="interventions:referrals",
                roles=INTERVENTIONS,
                description="The caseload: referrals to behaviour-change programmes, sessions and outcomes.",
                order=30,
            )
        )
        navigation.register(
            navigation.Section(
                label="People referred",
                url_name="interventions:offenders",
                roles=INTERVENTIONS,
                description="The people you have referred or whose referrals your organisation handles.",
                order=31,
            )
        )
        navigation.register(
            navigation.Section(
                label="Programmes",
                url_name="interventions:programmes",
                roles=INTERVENTIONS,
                description="The catalogue of intervention programmes.",
                order=32,
            )
        )
        mywork.register(
            mywork.Provider(name="interventions", roles=INTERVENTIONS, sections=work.sections, count=work.count)
        )
