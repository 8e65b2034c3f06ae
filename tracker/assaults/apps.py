from django.apps import AppConfig


class AssaultsConfig(AppConfig):
    """Assault incidents and workforce figures: data of their own, beside the two
    casework strands and below the reports that read them."""

    name = "tracker.assaults"
    label = "assaults"
    verbose_name = "Assault incidents and workforce"

    def ready(self) -> None:
        from tracker.assaults.imports import register_kinds

        register_kinds()
