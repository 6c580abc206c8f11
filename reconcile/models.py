import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from inventory.models import Record
from marketplace.models import Service
from shops.models import Shop, ShopScopedQuerySet
from uploads.models import UploadRun

# A check no worker moved on for this long no longer blocks a new one.
CHECK_STALE_AFTER = timedelta(minutes=30)


class ListingsSnapshotQuerySet(ShopScopedQuerySet):
    def live(self):
        cutoff = timezone.now() - CHECK_STALE_AFTER
        return self.filter(state__in=ListingsSnapshot.LIVE_STATES, updated__gte=cutoff)


class ListingsSnapshot(models.Model):
    """Amazon's All Listings report of one service, kept, and its comparison.

    The report file stays under MEDIA_ROOT as Amazon sent it: it is the
    backup a purge and replace starts from. ``counts`` holds the totals of
    each kind of ``SnapshotItem``.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", "Asking Amazon for the report"
        WAITING = "waiting", "Amazon is preparing the report"
        COMPARING = "comparing", "Comparing with the inventory"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Purpose(models.TextChoices):
        CHECK = "check", "Listings check"
        BACKUP = "backup", "Backup before purge and replace"

    LIVE_STATES = (State.REQUESTED, State.WAITING, State.COMPARING)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="listings_snapshots"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="listings_snapshots"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField(
        max_length=10, choices=Purpose.choices, default=Purpose.CHECK
    )
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.REQUESTED
    )
    report_id = models.CharField(max_length=100, blank=True)
    report_document_id = models.CharField(max_length=200, blank=True)
    path = models.CharField(
        max_length=300, blank=True, help_text="The report, relative to MEDIA_ROOT."
    )
    charset = models.CharField(max_length=40, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    polls = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    replace_run = models.ForeignKey(
        UploadRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The purge and replace this report was the backup of.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    finished = models.DateTimeField(null=True, blank=True)

    objects = ListingsSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        indexes = [
            # The listings page: each service's latest checks, newest first.
            models.Index(
                fields=["shop", "service", "-created"], name="snapshot_shop_service"
            ),
        ]

    def __str__(self) -> str:
        return f"Listings of {self.service} on {self.created:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES

    def count(self, name: str) -> int:
        return int((self.counts or {}).get(name, 0))

    def move(self, *, from_states, to: str, **fields) -> bool:
        """Compare-and-set the state; True if this caller moved it."""
        fields["updated"] = timezone.now()
        if to in (self.State.DONE, self.State.FAILED):
            fields.setdefault("finished", fields["updated"])
        moved = ListingsSnapshot.objects.filter(
            pk=self.pk, state__in=from_states
        ).update(state=to, **fields)
        if moved:
            self.state = to
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(moved)


class SnapshotItem(models.Model):
    """One SKU of a snapshot: a listing of the report, or a record it lacks."""

    class Kind(models.TextChoices):
        MATCHED = "matched", "In step"
        MISSING = "missing", "Should be live, is not"
        EXTRA = "extra", "Live, should not be"
        MISMATCHED = "mismatched", "Price or quantity differs"

    snapshot = models.ForeignKey(
        ListingsSnapshot, on_delete=models.CASCADE, related_name="items"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sku = models.CharField(max_length=100)
    record = models.ForeignKey(
        Record, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_amazon = models.BooleanField(default=True)
    reason = models.CharField(max_length=120, blank=True)
    title = models.CharField(max_length=200, blank=True)
    amazon_asin = models.CharField(max_length=10, blank=True)
    amazon_isbn = models.CharField(max_length=13, blank=True)
    amazon_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    amazon_quantity = models.IntegerField(null=True, blank=True)
    shop_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    shop_quantity = models.IntegerField(null=True, blank=True)
    identifiable = models.BooleanField(
        default=False,
        help_text="Amazon knows an ASIN or ISBN the record lacks.",
    )

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        ordering = ["sku"]
        indexes = [
            # Each list of the check page, by SKU, and its CSV.
            models.Index(fields=["snapshot", "kind", "sku"], name="snapshot_item_kind"),
            # Records found in the report (the "missing" anti-join), and the
            # listings a purge and replace deletes, by SKU.
            models.Index(fields=["snapshot", "record"], name="snapshot_item_record"),
            models.Index(
                fields=["snapshot", "sku"],
                condition=models.Q(on_amazon=True),
                name="snapshot_item_listed_sku",
            ),
            # The records whose identifiers can be copied from Amazon.
            models.Index(
                fields=["snapshot", "record"],
                condition=models.Q(identifiable=True),
                name="snapshot_item_identifiable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku}: {self.kind}"


class UploadSchedule(models.Model):
    """Uploads that run by themselves, through beat's database scheduler.

    Each schedule owns one ``PeriodicTask``; ``reconcile.services`` keeps the
    two in step, and deleting a schedule deletes its task.
    """

    class Kind(models.TextChoices):
        INTERVAL = "interval", "Every few hours"
        DAILY = "daily", "Daily at a set time"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="upload_schedules"
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="upload_schedules",
        help_text="Empty: every active service.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DAILY)
    every_hours = models.PositiveSmallIntegerField(default=6)
    at_time = models.TimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    periodic_task = models.OneToOneField(
        PeriodicTask,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_run = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.describe()} to {self.target}"

    @property
    def target(self) -> str:
        if self.service_id:
            return self.service.get_marketplace_display()
        return "every active service"

    @property
    def task_name(self) -> str:
        return f"Scheduled upload {self.public_id}"

    def describe(self) -> str:
        if self.kind == self.Kind.INTERVAL:
            hours = self.every_hours
            return "Every hour" if hours == 1 else f"Every {hours} hours"
        at = self.at_time.strftime("%H:%M") if self.at_time else "--:--"
        return f"Daily at {at}"


@receiver(post_delete, sender=UploadSchedule)
def _delete_periodic_task(sender, instance: UploadSchedule, **kwargs) -> None:
    # Also runs when a shop or service is deleted and takes its schedules.
    # One by one: PeriodicTask.delete tells beat the schedule changed.
    for task in PeriodicTask.objects.filter(name=instance.task_name):
        task.delete()
