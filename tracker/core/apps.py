from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tracker.core"
    label = "core"
    verbose_name = "Organisations, users and shared lists"
