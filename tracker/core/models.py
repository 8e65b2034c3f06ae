"""Core records shared by every strand: areas, organisations, users and roles,
managed lists and outcomes."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from simple_history.models import HistoricalRecords

from tracker.core import validation
from tracker.core.roles import Role
from tracker.core.versioning import VersionedModel


class Area(models.Model):
    """A local policing area."""

    name = models.CharField(max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(VersionedModel):
    class Kind(models.TextChoices):
        PCC_OFFICE = "pcc_office", "PCC office"
        POLICE_FORCE = "police_force", "Police force"
        PROBATION = "probation_service", "Probation service"
        PRISON = "prison", "Prison"
        CHARITY = "charity", "Charity"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        STAFF_ASSOCIATION = "staff_association", "Staff association"
        VENUE_OPERATOR = "venue_operator", "Venue operator"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrackerUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: object
    ) -> User:
        extra.setdefault("is_administrator", True)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person who signs in. Belongs to one organisation and holds one or more roles."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="users")
    is_partnership_officer = models.BooleanField("partnership officer", default=False)
    is_probation_liaison = models.BooleanField("probation liaison", default=False)
    is_board_member = models.BooleanField("board member", default=False)
    is_administrator = models.BooleanField("administrator", default=False)
    is_data_protection_officer = models.BooleanField(
        "data protection officer",
        default=False,
        help_text="Sees the consultation log and the data protection pages; no casework.",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email", "organisation"]
    objects: ClassVar[TrackerUserManager] = TrackerUserManager()

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(role for role in Role if getattr(self, role.field_name))

    @property
    def roles_display(self) -> str:
        labels = [role.label.lower() for role in Role if getattr(self, role.field_name)]
        return " and ".join(labels) if labels else "a user with no role"

    def has_role(self, *roles: Role) -> bool:
        """True if the user holds any of the given roles."""
        return any(getattr(self, role.field_name) for role in roles)

    def check_password(self, raw_password: str | None) -> bool:
        # A correct password is re-hashed and saved when the hasher settings change.
        # The password is the same, so that save must not end the user's sessions and
        # tokens (tracker.core.credentials tells the two kinds of save apart).
        self._rehashing = True
        try:
            return super().check_password(raw_password)
        finally:
            self._rehashing = False

    async def acheck_password(self, raw_password: str | None) -> bool:
        self._rehashing = True
        try:
            return await super().acheck_password(raw_password)
        finally:
            self._rehashing = False

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Administrators use the admin site, with every permission there; nobody else does.
        self.is_staff = self.is_superuser = self.is_administrator
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "is_staff", "is_superuser"}
        super().save(*args, **kwargs)


class ManagedList(models.Model):
    """A list administrators keep (engagement kinds, outcome types, materials...)."""

    name = models.CharField(max_length=150, unique=True)
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True, help_text="Inactive entries stay on old records but cannot be chosen.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class OutcomeType(ManagedList):
    # The kinds of record (engagement, venue partnership, referral: the registered
    # outcome subjects) it can be recorded on; none ticked means every kind.
    applies_to = models.ManyToManyField(
        ContentType,
        blank=True,
        related_name="+",
        help_text="The kinds of record this outcome can be recorded on. Leave empty for every kind.",
    )
    history = HistoricalRecords()

    class Meta(ManagedList.Meta):
        pass


class Outcome(VersionedModel):
    """What came of a piece of work: one mechanism for engagements, partnerships
    and referrals, attached through a generic relation so core imports no strand."""

    class Rating(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        PARTLY = "partly_achieved", "Partly achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    date = models.DateField(validators=[validation.OUTCOME_DATE])
    outcome_type = models.ForeignKey(OutcomeType, on_delete=models.PROTECT, related_name="outcomes")
    rating = models.CharField(max_length=20, choices=Rating.choices)
    description = models.TextField()
    measure = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Optional number, for example people reached."
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["date", "id"], name="outcome_date_idx"),  # the default order
        ]

    def __str__(self) -> str:
        return f"{self.outcome_type} ({self.get_rating_display()}) on {self.date:%d %b %Y}"

    @property
    def subject_type(self) -> str:
        """The subject's model as `app_label.model`, e.g. `interventions.referral`."""
        return f"{self.content_type.app_label}.{self.content_type.model}"


class AccessLog(models.Model):
    """One consultation of personal data: a request (page, form, list, search, export,
    API response, PDF, import check) that showed people's personal data, with who,
    when, from where, by which way in, and every person shown (`ConsultedPerson`).
    One row per request however many people it showed; the person rows are the index
    that answers "who saw person X". Written, never edited or deleted through the app;
    rows older than ACCESS_LOG_RETENTION_DAYS are pruned by the daily duties."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        SEARCH = "search", "Searched"
        FORM = "form", "Opened a form"
        EXPORT = "export", "Exported"
        REPORT = "report", "Report produced"
        API = "api", "Read through the API"
        IMPORT = "import", "Import checked"
        DISCLOSURE = "disclosure", "Disclosure pack produced"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in refused"

    class Way(models.TextChoices):
        PAGE = "page", "Web page"
        API = "api", "API"
        EXPORT = "export", "Spreadsheet export"
        PDF = "pdf", "PDF"
        IMPORT = "import", "Import"
        SYSTEM = "system", "Scheduled task"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    way = models.CharField(max_length=10, choices=Way.choices, default=Way.PAGE, db_index=True)
    record_type = models.CharField(max_length=50, blank=True, help_text="The record the request was about, if one.")
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    record_label = models.CharField(max_length=200, blank=True, help_text="For example the referral number.")
    people = models.PositiveIntegerField(default=0, help_text="How many people the request showed.")
    path = models.CharField(max_length=300, blank=True)
    client_address = models.GenericIPAddressField(
        null=True, blank=True, help_text="Where the request came from (see TRUSTED_PROXY_COUNT)."
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["record_type", "record_id"]),
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self) -> str:
        who = self.user or "Someone"
        return f"{who} {self.get_action_display().lower()} {self.record_label or self.path}".strip()


class ConsultedPerson(models.Model):
    """A person shown by one logged request: the index behind "who saw person X".
    `person_id` is the id of an interventions Offender; core sits below the strands, so
    it is a plain indexed number, and disposal keeps the person's pseudonymous stub."""

    log = models.ForeignKey(AccessLog, on_delete=models.CASCADE, related_name="consulted")
    person_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["log", "person_id"], name="one_row_per_person_per_request")]
        indexes = [models.Index(fields=["person_id", "log"])]

    def __str__(self) -> str:
        return f"person {self.person_id} in log {self.log_id}"


class UserSession(AbstractBaseSession):
    """A signed-in session, with the user it belongs to in its own indexed column, so
    ending one user's sessions deletes their rows without decoding anyone else's."""

    user_id = models.PositiveBigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls) -> type:
        from tracker.core.sessions import SessionStore

        return SessionStore


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest of the secret is stored, so
    a copy of the database gives no working tokens. Tokens expire and can be revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class ImportJob(models.Model):
    """One uploaded file: checked (a preview), then imported once, or refused. The
    check and the write each run as a task (tracker.core.imports.tasks); a job whose
    worker stopped part-way is marked failed, and can be started again."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Checking"
        PREVIEWED = "previewed", "Checked, waiting for confirmation"
        REFUSED = "refused", "Refused: has errors"
        IMPORTING = "importing", "Importing"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Stopped before it finished"

    # The statuses a task is (or should be) working on.
    ACTIVE = (Status.QUEUED, Status.CHECKING, Status.IMPORTING)

    kind = models.CharField(max_length=40)
    file = models.FileField(upload_to="imports/%Y/%m/")
    file_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # The first problems found (IMPORT_PROBLEMS_SHOWN of them), and how many in all.
    errors = models.JSONField(default=list, blank=True)
    problems = models.PositiveIntegerField(default=0)
    # Ids of the people the check compared rows with: the check page shows what it
    # found about them, so each view of it is logged as consulting them.
    people_checked = models.JSONField(default=list, blank=True)
    # Each claim of the write counts one attempt; a write commits only if its job is
    # still importing by the same attempt (see imports/services.py).
    attempt = models.PositiveIntegerField(default=0)
    # The task working on the job's current step, and when that step was queued: how
    # a stalled job is told from a waiting one.
    task_id = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    # Why a failed job stopped, in words for the person who uploaded it.
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ScheduledRun(models.Model):
    """A duty's slot claimed by `run_schedule` (tracker.core.schedule): unique, so a
    slot's work is enqueued once however many times or places the schedule runs."""

    duty = models.CharField(max_length=60)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-slot", "duty"]
        constraints = [models.UniqueConstraint(fields=["duty", "slot"], name="scheduled_run_once_a_slot")]

    def __str__(self) -> str:
        return f"{self.duty} at {self.slot:%Y-%m-%d %H:%M}"


class ExportJob(models.Model):
    """A list export too large to write while the browser waits (more rows than
    EXPORT_BACKGROUND_ROWS): a background task writes the file and stores it, and the
    page that asked follows this row. Seen only by whoever asked; the file is deleted
    a day later by the schedule."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        WRITING = "writing", "Writing the file"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Not written"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The list page (its path) and its filters: the task rebuilds the page's rows for
    # the user as they stand when it runs, through the page's own scoping.
    list_path = models.CharField(max_length=300)
    list_title = models.CharField(max_length=100)
    query = models.TextField(blank=True)
    format = models.CharField(max_length=4, choices=Format.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Rows counted when asked for; once written, the rows in the file.
    rows = models.PositiveIntegerField(default=0)
    # Rows written so far, updated every few thousand: the page's progress, and the
    # sign of life that tells a working task from one whose worker stopped.
    written = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/", max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    # Ids of the people the file names, for the consultation log when it is downloaded;
    # None for a list that shows nobody's personal data.
    people = models.JSONField(null=True, blank=True)
    # Why it failed, in words for the person who asked (never a traceback).
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Export of {self.list_title} ({self.get_status_display()})"

    @property
    def done(self) -> bool:
        return self.status in {self.Status.READY, self.Status.FAILED}
