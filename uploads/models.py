import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from marketplace.models import Service
from shops.models import Shop, ShopScopedQuerySet


class UploadRunQuerySet(ShopScopedQuerySet):
    def live(self):
        return self.filter(state__in=UploadRun.LIVE_STATES)


class UploadRun(models.Model):
    """One "Process and upload" for one service: its feeds, counts and result.

    The state only moves through ``advance``, a compare-and-set update, so two
    workers holding the same message can never both act on a step.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        EXPORTING = "exporting", "Exporting"
        UPLOADING = "uploading", "Uploading"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    LIVE_STATES = (State.QUEUED, State.EXPORTING, State.UPLOADING, State.PROCESSING)
    END_STATES = (State.DONE, State.FAILED, State.CANCELLED)

    class Trigger(models.TextChoices):
        BUTTON = "button", "Process and upload"
        COMMAND = "command", "Command line"
        SCHEDULE = "schedule", "Schedule"
        RESEND = "resend", "Sent again"
        REPLACE = "replace", "Purge and replace"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="upload_runs")
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="upload_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.UUIDField(
        default=uuid.uuid4,
        help_text="Runs started by one click share a batch and go one by one.",
    )
    trigger = models.CharField(
        max_length=10, choices=Trigger.choices, default=Trigger.BUTTON
    )
    all_inventory = models.BooleanField(default=False)
    upload_images = models.BooleanField(default=False)
    delete_skus = models.JSONField(
        default=list,
        blank=True,
        help_text="SKUs to delete at Amazon before the update (purge and replace).",
    )
    resend_of = models.ForeignKey(
        "UploadFeed", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    cancel_requested = models.BooleanField(default=False)
    records_exported = models.PositiveIntegerField(default=0)
    records_held = models.PositiveIntegerField(default=0)
    records_accepted = models.PositiveIntegerField(default=0)
    records_rejected = models.PositiveIntegerField(default=0)
    counts = models.JSONField(
        default=dict, blank=True, help_text="loader -> {records, new, modified}"
    )
    files = models.JSONField(
        default=list,
        blank=True,
        help_text="The classic files built for manual upload: [{name, loader, rows}]",
    )
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(
        null=True, blank=True, help_text="Last time a worker moved this run on."
    )

    objects = UploadRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        indexes = [
            # The export log lists a shop's runs newest first.
            models.Index(fields=["shop", "-created"], name="upload_run_shop_created"),
            # The recovery task looks for live runs whose worker went quiet.
            models.Index(fields=["state", "heartbeat"], name="upload_run_state_beat"),
        ]

    def __str__(self) -> str:
        return f"Upload {self.public_id} to {self.service} ({self.state})"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES

    @property
    def duration(self):
        if not self.started:
            return None
        return (self.finished or timezone.now()) - self.started

    def advance(self, *, from_states, to: str, **fields) -> bool:
        """Move to ``to`` if the run is still in one of ``from_states``."""
        now = timezone.now()
        fields.setdefault("heartbeat", now)
        if to in self.END_STATES:
            fields.setdefault("finished", now)
        if to == self.State.EXPORTING:
            fields.setdefault("started", now)
        moved = UploadRun.objects.filter(pk=self.pk, state__in=from_states).update(
            state=to, **fields
        )
        if moved:
            self.state = to
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(moved)


class UploadFeed(models.Model):
    """One feed document sent to Amazon within a run, and what became of it.

    The feed document id is stored before ``createFeed`` is called, and the
    feed id right after, so a retried step can tell what was already done.
    """

    class Kind(models.TextChoices):
        LISTINGS = "listings", "Listings"
        IMAGES = "images", "Images"

    class Status(models.TextChoices):
        BUILT = "built", "Built"
        SUBMITTING = "submitting", "Submitting"
        SUBMITTED = "submitted", "Submitted"
        DONE = "done", "Done"
        FATAL = "fatal", "Fatal"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    END_STATUSES = (Status.DONE, Status.FATAL, Status.CANCELLED, Status.FAILED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(UploadRun, on_delete=models.CASCADE, related_name="feeds")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField(default=1)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LISTINGS)
    feed_type = models.CharField(max_length=60, default="JSON_LISTINGS_FEED")
    content_type = models.CharField(max_length=100)
    path = models.CharField(
        max_length=300, help_text="The document, relative to MEDIA_ROOT."
    )
    map_path = models.CharField(
        max_length=300,
        help_text="messageId, record id, revision and kind, one per line.",
    )
    size = models.PositiveIntegerField(default=0)
    message_count = models.PositiveIntegerField(default=0)
    record_count = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    modified_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.BUILT
    )
    feed_document_id = models.CharField(max_length=200, blank=True)
    feed_id = models.CharField(max_length=100, blank=True)
    amazon_status = models.CharField(max_length=20, blank=True)
    claimed_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A worker sending this feed holds it till then.",
    )
    create_attempted = models.DateTimeField(null=True, blank=True)
    polls = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    accepted_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    submitted = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        ordering = ["run", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "sequence"], name="upload_feed_sequence_in_run"
            ),
        ]

    def __str__(self) -> str:
        return f"Feed {self.sequence} of {self.run_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.END_STATUSES

    def claim(self, *, from_statuses, to: str, **fields) -> bool:
        """Compare-and-set the feed's status; True if this caller won."""
        moved = UploadFeed.objects.filter(pk=self.pk, status__in=from_statuses).update(
            status=to, **fields
        )
        if moved:
            self.status = to
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(moved)


class FeedIssue(models.Model):
    """One message of a processing report, linked back to its record."""

    feed = models.ForeignKey(
        UploadFeed, on_delete=models.CASCADE, related_name="issues"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(
        "inventory.Record",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feed_issues",
    )
    message_id = models.PositiveIntegerField(null=True, blank=True)
    sku = models.CharField(max_length=40, blank=True)
    code = models.CharField(max_length=40, blank=True)
    severity = models.CharField(max_length=10)
    message = models.TextField()
    attribute = models.CharField(max_length=100, blank=True)

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        ordering = ["feed", "message_id"]

    def __str__(self) -> str:
        return f"{self.severity} {self.code} on {self.sku}"
