from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Community groups, venues and engagements"

    def ready(self) -> None:
        from partners import mywork
        from tracker.core import mywork as core_mywork
        from tracker.core import navigation
        from tracker.core.permissions import PARTNERS

        sections = [
            (
                "Engagements",
                "partners:engagement-list",
                "Meetings, visits and events, with materials and follow-ups.",
                20,
            ),
            ("Groups", "partners:group-list", "Community groups and their contacts.", 21),
            ("Venues", "partners:venue-list", "Licensed premises in the night-time economy.", 22),
            ("Partnerships", "partners:partnership-list", "Venue partnerships, their commitments and reviews.", 23),
        ]
        for label, url_name, description, order in sections:
            navigation.register(
                navigation.Section(
                    label=label,
                    url_name=url_name,
                    roles=PARTNERS,
                    description=description,
                    order=order,
                    group="Community and venues",
                )
            )
        self._register_outcome_subjects()
        from partners.lifecycle import LIFECYCLE
        from tracker.core import lifecycle

        lifecycle.register(LIFECYCLE)
        from partners import notices

        notices.register()
        from partners.importing import register_kinds

        register_kinds()
        core_mywork.register(
            core_mywork.Provider(name="partners", roles=PARTNERS, sections=mywork.sections, count=mywork.count)
        )

    @staticmethod
    def _register_outcome_subjects() -> None:
        """Tell the core outcomes mechanism (and the API built on it) which of our
        records carry outcomes and who may see them."""
        from partners.models import Engagement, Partnership
        from partners.querysets import can_use_partners
        from tracker.core import outcomes

        for model, label in ((Engagement, "Engagement"), (Partnership, "Venue partnership")):
            outcomes.register_subject(
                outcomes.OutcomeSubject(
                    model=model,
                    label=label,
                    visible=model.objects.visible_to,
                    may_record=lambda user, record: can_use_partners(user),
                )
            )
