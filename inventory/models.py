import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Length

from shops.models import Shop, ShopScopedQuerySet


class Marketplace(models.TextChoices):
    """The venues a record can be listed on; one service per shop each."""

    AMAZON_US = "amazon_us", "Amazon US"
    AMAZON_CA = "amazon_ca", "Amazon CA"
    AMAZON_UK = "amazon_uk", "Amazon UK"


class Grade(models.TextChoices):
    """The trade's grading scale for a book or its jacket, best first."""

    AS_NEW = "as_new", "As New"
    FINE = "fine", "Fine"
    NEAR_FINE = "near_fine", "Near Fine"
    VERY_GOOD = "very_good", "Very Good"
    GOOD = "good", "Good"
    FAIR = "fair", "Fair"
    POOR = "poor", "Poor"


# A jacket takes the book's scale, or "none" when the book has no jacket.
JacketGrade = models.TextChoices(
    "JacketGrade",
    [
        *((grade.name, (grade.value, grade.label)) for grade in Grade),
        ("NONE", ("none", "None")),
    ],
)


class AmazonCondition(models.TextChoices):
    """Amazon's item conditions for books, as its listings API names them."""

    NEW = "new_new", "New"
    USED_LIKE_NEW = "used_like_new", "Used - Like New"
    USED_VERY_GOOD = "used_very_good", "Used - Very Good"
    USED_GOOD = "used_good", "Used - Good"
    USED_ACCEPTABLE = "used_acceptable", "Used - Acceptable"
    COLLECTIBLE_LIKE_NEW = "collectible_like_new", "Collectible - Like New"
    COLLECTIBLE_VERY_GOOD = "collectible_very_good", "Collectible - Very Good"
    COLLECTIBLE_GOOD = "collectible_good", "Collectible - Good"
    COLLECTIBLE_ACCEPTABLE = "collectible_acceptable", "Collectible - Acceptable"


# The Amazon condition a record gets when none is chosen, from its book grade.
CONDITION_FOR_GRADE = {
    Grade.AS_NEW: AmazonCondition.USED_LIKE_NEW,
    Grade.FINE: AmazonCondition.USED_LIKE_NEW,
    Grade.NEAR_FINE: AmazonCondition.USED_VERY_GOOD,
    Grade.VERY_GOOD: AmazonCondition.USED_VERY_GOOD,
    Grade.GOOD: AmazonCondition.USED_GOOD,
    Grade.FAIR: AmazonCondition.USED_ACCEPTABLE,
    Grade.POOR: AmazonCondition.USED_ACCEPTABLE,
}


class InventorySettings(models.Model):
    """Per-shop choices for the inventory: price field names, next SKU."""

    shop = models.OneToOneField(
        Shop, on_delete=models.CASCADE, related_name="inventory_settings"
    )
    price_label = models.CharField(max_length=40, default="Retail price")
    price2_label = models.CharField(max_length=40, default="Dealer price")
    price3_label = models.CharField(max_length=40, default="Sale price")
    next_sku = models.PositiveBigIntegerField(
        default=1, help_text="The number given to the next record left without one."
    )

    objects = ShopScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Inventory settings of {self.shop}"


class RecordQuerySet(ShopScopedQuerySet):
    pass


class Record(models.Model):
    """One book (or several copies of it) in a shop's inventory."""

    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        ON_HOLD = "on_hold", "On hold"
        SOLD = "sold", "Sold"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="records")
    sku = models.CharField("record number", max_length=40)
    asin = models.CharField("ASIN", max_length=10, blank=True)
    isbn = models.CharField(
        "ISBN", max_length=13, blank=True, help_text="Stored as ISBN-13 when possible."
    )

    author = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=500, blank=True)
    subtitle = models.CharField(max_length=500, blank=True)
    illustrator = models.CharField(max_length=255, blank=True)
    publisher = models.CharField(max_length=255, blank=True)
    place = models.CharField(max_length=120, blank=True)
    pub_date = models.CharField("date", max_length=60, blank=True)
    edition = models.CharField(max_length=120, blank=True)
    printing = models.CharField(max_length=120, blank=True)
    size = models.CharField(max_length=60, blank=True)
    binding = models.CharField(max_length=60, blank=True)
    book_type = models.CharField("type", max_length=60, blank=True)
    language = models.CharField(max_length=40, blank=True)
    book_grade = models.CharField(max_length=12, choices=Grade.choices, blank=True)
    jacket_grade = models.CharField(
        "DJ grade", max_length=12, choices=JacketGrade.choices, blank=True
    )
    defects = models.TextField(blank=True)
    features = models.TextField(blank=True)
    description = models.TextField(blank=True)
    keywords = models.TextField(blank=True)
    location = models.CharField(max_length=60, blank=True)
    item_note = models.TextField(
        blank=True, help_text="When filled, replaces the condition note built for it."
    )
    condition = models.CharField(
        "Amazon condition",
        max_length=24,
        choices=AmazonCondition.choices,
        blank=True,
        help_text="Left blank, it follows the book grade.",
    )

    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    price2 = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    price3 = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    quantity = models.PositiveIntegerField(default=1)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.AVAILABLE
    )

    image_url_1 = models.URLField(max_length=500, blank=True)
    image_url_2 = models.URLField(max_length=500, blank=True)
    image_url_3 = models.URLField(max_length=500, blank=True)
    image_url_4 = models.URLField(max_length=500, blank=True)
    image_url_5 = models.URLField(max_length=500, blank=True)
    image_url_6 = models.URLField(max_length=500, blank=True)

    list_amazon_us = models.BooleanField("list on Amazon US", default=True)
    list_amazon_ca = models.BooleanField("list on Amazon CA", default=True)
    list_amazon_uk = models.BooleanField("list on Amazon UK", default=True)
    expedited_shipping = models.BooleanField(default=False)
    international_shipping = models.BooleanField(default=False)

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["sku"]
        constraints = [
            # Also the index of lookups by record number (imports, search).
            models.UniqueConstraint(
                fields=["shop", "sku"], name="record_sku_unique_in_shop"
            ),
        ]
        indexes = [
            # The inventory list, sorted by record number, shortest first
            # (numeric record numbers then sort as numbers), paged by keyset.
            models.Index(
                F("shop"), Length("sku"), F("sku"), name="record_shop_sku_length"
            ),
            # The inventory list's default order (recently updated first).
            models.Index(fields=["shop", "updated", "sku"], name="record_shop_updated"),
            # The inventory list sorted by title, author or price.
            models.Index(fields=["shop", "title", "sku"], name="record_shop_title"),
            models.Index(fields=["shop", "author", "sku"], name="record_shop_author"),
            models.Index(fields=["shop", "price", "sku"], name="record_shop_price"),
            # The status filter, in the list's default order.
            models.Index(
                fields=["shop", "status", "updated"], name="record_shop_status"
            ),
            # Search and import matching by ISBN or ASIN.
            models.Index(fields=["shop", "isbn"], name="record_shop_isbn"),
            models.Index(fields=["shop", "asin"], name="record_shop_asin"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.title}".strip()

    @property
    def effective_condition(self) -> str:
        """The Amazon condition chosen, or the one its book grade suggests."""
        if self.condition:
            return self.condition
        return CONDITION_FOR_GRADE.get(self.book_grade, AmazonCondition.USED_GOOD)


class ListingState(models.Model):
    """Where one record stands on one marketplace, and what it is waiting for.

    ``revision`` grows each time the record is set for upload; an upload that
    sent revision N clears the pending state only if it is still N, so a change
    made while an upload runs is never lost. A non-empty ``message`` is the
    error that kept the record off the marketplace; the record stays pending.
    """

    class State(models.TextChoices):
        NOT_LISTED = "not_listed", "Not listed"
        PENDING_ADD = "pending_add", "Pending add"
        PENDING_UPDATE = "pending_update", "Pending update"
        PENDING_DELETE = "pending_delete", "Pending delete"
        LISTED = "listed", "Listed"

    PENDING = (State.PENDING_ADD, State.PENDING_UPDATE, State.PENDING_DELETE)
    # States of a record Amazon has, or is about to have; with ``listed_since``
    # set, a record was listed once and must leave Amazon by a deletion.
    ON_AMAZON = (State.LISTED, State.PENDING_UPDATE, State.PENDING_DELETE)

    record = models.ForeignKey(
        Record, on_delete=models.CASCADE, related_name="listing_states"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    marketplace = models.CharField(max_length=20, choices=Marketplace.choices)
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.NOT_LISTED
    )
    price_quantity_only = models.BooleanField(
        default=False,
        help_text="Only price or quantity changed since the last upload.",
    )
    revision = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    pending_since = models.DateTimeField(null=True, blank=True)
    last_uploaded = models.DateTimeField(null=True, blank=True)
    listed_since = models.DateTimeField(null=True, blank=True)

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record", "marketplace"],
                name="listing_state_one_per_marketplace",
            ),
        ]
        indexes = [
            # Upload runs select a shop's pending records per marketplace.
            models.Index(
                fields=["shop", "marketplace", "state"],
                name="listing_state_shop_mkt_state",
            ),
            # The inventory list's "pending" filter, across marketplaces.
            models.Index(
                fields=["shop", "state", "record"], name="listing_state_shop_state"
            ),
            # The list's "error" filter: the few states with a message.
            models.Index(
                fields=["shop", "marketplace", "record"],
                condition=~models.Q(message=""),
                name="listing_state_shop_errors",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} on {self.marketplace}: {self.state}"

    @property
    def is_pending(self) -> bool:
        return self.state in self.PENDING

    @property
    def has_error(self) -> bool:
        """Amazon refused the last upload, or a check held the record back."""
        return bool(self.message)


class ImportJob(models.Model):
    """One inventory file being imported in the background, with its report."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        UIEE = "uiee", "UIEE"
        AMAZON_LISTINGS = "amazon-listings", "Amazon listings report"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(max_length=20, choices=Format.choices)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="[{'line': n, 'reason': '...'}, ...]"
    )
    message = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"Import {self.original_name or self.public_id} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}
