from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Email notifications (issue #17): the outbox, each user's choices, the send task
    and the digest. Sits above core and below the strands, which call `notify()`."""

    name = "tracker.notifications"
    label = "notifications"
    verbose_name = "Email notifications"

    def ready(self) -> None:
        from . import duties

        duties.register()
