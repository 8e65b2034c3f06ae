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
                group="Referrals",
            )
        )
        navigation.register(
            navigation.Section(
                label="People referred",
                url_name="interventions:offenders",
                roles=INTERVENTIONS,
                description="The people you have referred or whose referrals your organisation handles.",
                order=31,
                group="Referrals",
            )
        )
        navigation.register(
            navigation.Section(
                label="Programmes",
                url_name="interventions:programmes",
                roles=INTERVENTIONS,
                description="The catalogue of intervention programmes.",
                order=32,
                group="Referrals",
            )
        )
        mywork.register(
            mywork.Provider(name="interventions", roles=INTERVENTIONS, sections=work.sections, count=work.count)
        )
        self._register_outcome_subject()
        from tracker.core import lifecycle as core_lifecycle

        from .lifecycle import LIFECYCLE

        core_lifecycle.register(LIFECYCLE)
        from . import importing, notices

        importing.register()
        notices.register()

    @staticmethod
    def _register_outcome_subject() -> None:
        """Referral outcomes are the completion summary's ratings: /api/v1/outcomes/
        shows them to whoever may see the referral. Nobody adds or changes them
        there, as the pages offer no way to either; they come from completing."""
        from tracker.core import outcomes

        from .models import Referral

        outcomes.register_subject(
            outcomes.OutcomeSubject(
                model=Referral,
                label="Referral",
                visible=Referral.objects.visible_to,
                may_record=lambda user, record: False,
                people=lambda ids: Referral.objects.filter(pk__in=ids).values_list("offender_id", flat=True),
            )
        )
