import hashlib
import secrets
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from inventory.models import Marketplace
from shops.models import Shop, ShopScopedQuerySet


class Service(models.Model):
    """A shop's seller account on one marketplace, and how it is fed."""

    class PriceField(models.TextChoices):
        PRICE = "price", "Price"
        PRICE2 = "price2", "Price 2"
        PRICE3 = "price3", "Price 3"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="services")
    marketplace = models.CharField(max_length=20, choices=Marketplace.choices)
    is_active = models.BooleanField(default=True)
    price_field = models.CharField(
        max_length=10, choices=PriceField.choices, default=PriceField.PRICE
    )
    min_price = models.DecimalField(
        "minimum price", max_digits=10, decimal_places=2, default=Decimal("0.01")
    )
    max_price = models.DecimalField(
        "maximum price", max_digits=10, decimal_places=2, default=Decimal("100000")
    )
    upload_images = models.BooleanField(
        "upload image URLs", default=False, help_text="Send records' image URLs."
    )
    note_limit = models.PositiveIntegerField(
        "condition note limit",
        default=2000,
        help_text="Notes longer than this are clipped at a word boundary.",
    )
    selling_partner_id = models.CharField(max_length=40, blank=True)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    registered_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    # What a seller may change on the service's page.
    EDITABLE_FIELDS = (
        "is_active",
        "price_field",
        "min_price",
        "max_price",
        "upload_images",
        "note_limit",
    )

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        ordering = ["marketplace"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "marketplace"], name="service_one_per_marketplace"
            ),
            models.CheckConstraint(
                condition=models.Q(min_price__gt=0) & models.Q(max_price__gt=0),
                name="service_prices_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(min_price__lt=models.F("max_price")),
                name="service_min_below_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_marketplace_display()} for {self.shop}"

    @property
    def is_registered(self) -> bool:
        return bool(self.selling_partner_id and self.refresh_token_encrypted)


class FieldMapping(models.Model):
    """Which record fields make the condition note, in order, and how joined.

    A shop has one mapping with no service; a service may have its own, which
    then wins for that service.
    """

    DEFAULT_FIELDS = [
        "place",
        "publisher",
        "pub_date",
        "edition",
        "printing",
        "size",
        "binding",
        "book_type",
        "book_grade",
        "jacket_grade",
        "defects",
        "features",
    ]
    DEFAULT_SEPARATOR = ". "

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="field_mappings"
    )
    service = models.OneToOneField(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="field_mapping",
    )
    fields = models.JSONField(default=list)
    separator = models.CharField(max_length=10, default=DEFAULT_SEPARATOR)
    updated = models.DateTimeField(auto_now=True)

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop"],
                condition=models.Q(service__isnull=True),
                name="field_mapping_one_default_per_shop",
            ),
        ]

    def __str__(self) -> str:
        target = self.service or self.shop
        return f"Field mapping of {target}"


class RegistrationAttempt(models.Model):
    """One trip through Amazon's consent page for one service.

    The ``state`` sent to Amazon is a random secret; only its SHA-256 is kept.
    It is good for one callback, by the user and shop that started it, until
    ``expires_at``: ``used_at`` is set by compare-and-set, so a replayed
    state finds it already taken.
    """

    LIFETIME = timedelta(minutes=10)

    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="registration_attempts"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="registration_attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="registration_attempts",
    )
    state_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = ShopScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"Registration of {self.service} by {self.user}"

    @staticmethod
    def hash_state(state: str) -> str:
        return hashlib.sha256(state.encode()).hexdigest()

    @classmethod
    def new_state(cls) -> tuple[str, str]:
        """A fresh state for the consent URL, and the hash to store."""
        state = secrets.token_urlsafe(32)
        return state, cls.hash_state(state)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
