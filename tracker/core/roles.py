"""The roles a user can hold. Permission rules built on them live in permissions.py."""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "partnership_officer", "Partnership officer"
    LIAISON = "probation_liaison", "Probation liaison"
    BOARD = "board_member", "Board member"
    ADMIN = "administrator", "Administrator"
    DPO = "data_protection_officer", "Data protection officer"

    @property
    def field_name(self) -> str:
        return f"is_{self.value}"
