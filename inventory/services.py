"""Workflows that change book records.

Every change to a record goes through these functions (the pages, the bulk
actions and the importers), so each one sets the record pending on the
marketplaces that receive the changed fields (see ``inventory.listing``).
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from inventory.identifiers import normalize_asin, normalize_isbn
from inventory.listing import records_mark_changed
from inventory.models import InventorySettings, ListingState, Record
from inventory.validators import validate_sku
from shops.models import Shop, User

logger = logging.getLogger(__name__)

SKU_TAKEN = "Record number {sku} is already used in this shop."
SKU_LOCKED = (
    "This record is on Amazon under record number {sku}. Amazon knows it by "
    "that number, so it cannot change while the record is listed."
)
UNKNOWN_FIELDS = "These are not fields of a record: {names}."
UNKNOWN_STATUS = "Unknown status: {status}."
PRICE_FIELD_UNKNOWN = "Prices can be changed in price, price2 or price3 only."
PRICE_CHANGE_ONE = "Give either a percentage or an amount, not both and not neither."

MIN_PRICE = Decimal("0.01")
CENT = Decimal("0.01")
PRICE_FIELDS = ("price", "price2", "price3")
CHUNK = 1000
_SKU_PROBE = 500

# Fields a caller may set; the rest are the system's.
EDITABLE_FIELDS = frozenset(
    field.name
    for field in Record._meta.concrete_fields
    if field.editable and field.name not in {"id", "shop"}
)

# A record in one of these states (or listed once) is live on Amazon, or about
# to be: it must leave Amazon before it may leave Shelfmark.
_ON_AMAZON = Q(state__in=ListingState.ON_AMAZON) | Q(listed_since__isnull=False)


@dataclass(frozen=True)
class DeleteResult:
    deleted: int
    withdrawn: int


def inventory_settings_for(shop: Shop) -> InventorySettings:
    settings, _ = InventorySettings.objects.get_or_create(shop=shop)
    return settings


def sku_next(*, shop: Shop) -> str:
    """The next free numeric record number of the shop; it is then used up."""
    return skus_next(shop=shop, count=1)[0]


@transaction.atomic
def skus_next(*, shop: Shop, count: int) -> list[str]:
    """Reserve ``count`` free numeric record numbers, in order.

    Numbers already used by a record (typed by hand or imported) are
    skipped. The settings row is locked, so two callers never get the same
    number.
    """
    inventory_settings_for(shop)
    settings = InventorySettings.objects.select_for_update().get(shop=shop)
    records = Record.objects.for_shop(shop)
    number = settings.next_sku
    found: list[str] = []
    while len(found) < count:
        window = max(count - len(found), _SKU_PROBE)
        candidates = [str(n) for n in range(number, number + window)]
        used: set[str] = set()
        for start in range(0, len(candidates), CHUNK * 5):
            part = candidates[start : start + CHUNK * 5]
            used.update(records.filter(sku__in=part).values_list("sku", flat=True))
        for candidate in candidates:
            if candidate not in used:
                found.append(candidate)
                if len(found) == count:
                    break
        number = int(found[-1]) + 1 if len(found) == count else number + window
    settings.next_sku = int(found[-1]) + 1
    settings.save(update_fields=["next_sku"])
    return found


def _field(name: str) -> models.Field:
    return Record._meta.get_field(name)


def _clean_values(data: dict[str, Any]) -> dict[str, Any]:
    """Turn raw values (form or file) into the model's Python types.

    Identifiers are normalised here, so a record never holds an ISBN-10.
    Raises ``ValidationError`` for values that cannot be read.
    """
    unknown = sorted(set(data) - EDITABLE_FIELDS)
    if unknown:
        raise ValueError(UNKNOWN_FIELDS.format(names=", ".join(unknown)))
    values: dict[str, Any] = {}
    errors: dict[str, list] = {}
    for name, raw in data.items():
        field = _field(name)
        try:
            if raw is None and not field.null:
                raw = (
                    ""
                    if isinstance(field, (models.CharField, models.TextField))
                    else raw
                )
            if isinstance(raw, str) and not isinstance(field, models.TextField):
                raw = raw.strip()
            if name == "isbn":
                value = normalize_isbn(raw)
            elif name == "asin":
                value = normalize_asin(raw)
            elif raw == "" and field.null:
                value = None
            else:
                value = field.to_python(raw)
        except ValidationError as error:
            errors.setdefault(name, []).extend(error.messages)
            continue
        values[name] = value
    if errors:
        raise ValidationError(errors)
    return values


def _validate(record: Record, exclude: Iterable[str] = ()) -> None:
    errors: dict[str, list] = {}
    try:
        validate_sku(record.sku)
    except ValidationError as error:
        errors["sku"] = error.messages
    else:
        taken = (
            Record.objects.for_shop(record.shop_id)
            .filter(sku=record.sku)
            .exclude(pk=record.pk)
            .exists()
        )
        if taken:
            errors["sku"] = [SKU_TAKEN.format(sku=record.sku)]
    try:
        record.full_clean(
            exclude=["shop", "sku", *exclude],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def record_is_on_amazon(record: Record) -> bool:
    return ListingState.objects.filter(_ON_AMAZON, record=record).exists()


def record_create(
    *, shop: Shop, data: dict[str, Any], user: User | None = None
) -> Record:
    """Create a record from field values and set it for upload.

    A blank ``sku`` gets the shop's next record number. Raises
    ``ValidationError`` (per field) for values the record cannot take.
    """
    values = _clean_values(data)
    with transaction.atomic():
        if not values.get("sku"):
            values["sku"] = sku_next(shop=shop)
        record = Record(shop=shop, **values)
        _validate(record)
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            raise ValidationError({"sku": [SKU_TAKEN.format(sku=record.sku)]}) from None
        records_mark_changed(shop=shop, record_ids=[record.pk])
    logger.info(
        "Record %s created in shop %s by user %s",
        record.sku,
        shop.slug,
        user.pk if user else None,
    )
    return record


def record_update(
    *, record: Record, data: dict[str, Any], user: User | None = None
) -> Record:
    """Apply the values that differ, and set the record pending where needed.

    Only fields present in ``data`` are touched. A blank ``sku`` keeps the
    record's number. Raises ``ValidationError`` per field.
    """
    values = _clean_values(data)
    if "sku" in values and not values["sku"]:
        del values["sku"]
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    if not changed:
        return record
    if "sku" in changed and record_is_on_amazon(record):
        raise ValidationError({"sku": [SKU_LOCKED.format(sku=record.sku)]})
    for name in changed:
        setattr(record, name, values[name])
    _validate(record)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record.save(update_fields=[*changed, "updated"])
        except IntegrityError:
            raise ValidationError({"sku": [SKU_TAKEN.format(sku=record.sku)]}) from None
        records_mark_changed(
            shop=record.shop, record_ids=[record.pk], changed_fields=changed
        )
    logger.info(
        "Record %s changed in shop %s by user %s: %s",
        record.sku,
        record.shop.slug,
        user.pk if user else None,
        ", ".join(sorted(changed)),
    )
    return record


def _ids(shop: Shop, queryset: models.QuerySet) -> list[int]:
    return list(
        queryset.filter(shop=shop).order_by().values_list("pk", flat=True).distinct()
    )


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def records_set_for_upload(*, shop: Shop, queryset: models.QuerySet) -> int:
    """Set records pending by hand, as if every field had changed.

    Returns the number of records. Costs two queries per thousand records.
    """
    ids = _ids(shop, queryset)
    records_mark_changed(shop=shop, record_ids=ids)
    logger.info("Set %d records for upload in shop %s", len(ids), shop.slug)
    return len(ids)


def records_change_status(*, shop: Shop, queryset: models.QuerySet, status: str) -> int:
    """Give records a new status; sold and withdrawn ones go pending delete."""
    if status not in Record.Status.values:
        raise ValidationError(UNKNOWN_STATUS.format(status=status))
    ids = _ids(shop, queryset.exclude(status=status))
    now = timezone.now()
    with transaction.atomic():
        for chunk in _chunks(ids):
            Record.objects.for_shop(shop).filter(pk__in=chunk).update(
                status=status, updated=now
            )
        records_mark_changed(shop=shop, record_ids=ids, changed_fields={"status"})
    logger.info(
        "Status of %d records set to %s in shop %s", len(ids), status, shop.slug
    )
    return len(ids)


def price_changed(
    price: Decimal, *, percent: Decimal | None = None, amount: Decimal | None = None
) -> Decimal:
    """A price moved by a percentage or an amount, in cents, at least 0.01."""
    if (percent is None) == (amount is None):
        raise ValueError(PRICE_CHANGE_ONE)
    if percent is not None:
        new = price * (Decimal(100) + Decimal(percent)) / Decimal(100)
    else:
        new = price + Decimal(amount)
    return max(new.quantize(CENT, rounding=ROUND_HALF_UP), MIN_PRICE)


def records_change_price(
    *,
    shop: Shop,
    queryset: models.QuerySet,
    field: str,
    percent: Decimal | None = None,
    amount: Decimal | None = None,
) -> int:
    """Raise or lower one price field of records that have a price there.

    Records without a price in ``field`` are left alone. The change is a
    price-only update for records already on Amazon. Returns how many
    records changed.
    """
    if field not in PRICE_FIELDS:
        raise ValidationError(PRICE_FIELD_UNKNOWN)
    if (percent is None) == (amount is None):
        raise ValidationError(PRICE_CHANGE_ONE)
    rows = (
        queryset.filter(shop=shop, **{f"{field}__isnull": False})
        .order_by()
        .values_list("pk", field)
    )
    # One UPDATE per old price (and thousand records): shops reuse prices.
    by_price: dict[Decimal, list[int]] = {}
    for pk, old in rows:
        by_price.setdefault(old, []).append(pk)
    now = timezone.now()
    changed_ids: list[int] = []
    with transaction.atomic():
        for old, ids in by_price.items():
            new = price_changed(old, percent=percent, amount=amount)
            if new == old:
                continue
            for chunk in _chunks(ids):
                Record.objects.for_shop(shop).filter(pk__in=chunk).update(
                    **{field: new}, updated=now
                )
            changed_ids.extend(ids)
        records_mark_changed(shop=shop, record_ids=changed_ids, changed_fields={field})
    logger.info(
        "Changed %s of %d records in shop %s", field, len(changed_ids), shop.slug
    )
    return len(changed_ids)


def records_delete(*, shop: Shop, queryset: models.QuerySet) -> DeleteResult:
    """Delete records, except those Amazon still lists.

    Deleting a listed record here would leave it for sale on Amazon with
    nothing to sell. Such records are withdrawn instead, which sets them
    pending delete: the next upload removes them from Amazon, and a second
    delete then removes them here. Records Amazon never had go at once.
    """
    ids = _ids(shop, queryset)
    on_amazon: set[int] = set()
    for chunk in _chunks(ids):
        on_amazon.update(
            ListingState.objects.for_shop(shop)
            .filter(_ON_AMAZON, record_id__in=chunk)
            .values_list("record_id", flat=True)
        )
    to_delete = [pk for pk in ids if pk not in on_amazon]
    to_withdraw = sorted(on_amazon)
    with transaction.atomic():
        for chunk in _chunks(to_delete):
            ListingState.objects.for_shop(shop).filter(record_id__in=chunk).delete()
            Record.objects.for_shop(shop).filter(pk__in=chunk).delete()
        now = timezone.now()
        for chunk in _chunks(to_withdraw):
            Record.objects.for_shop(shop).filter(pk__in=chunk).exclude(
                status=Record.Status.WITHDRAWN
            ).update(status=Record.Status.WITHDRAWN, updated=now)
        records_mark_changed(
            shop=shop, record_ids=to_withdraw, changed_fields={"status"}
        )
    logger.info(
        "Deleted %d records and withdrew %d listed ones in shop %s",
        len(to_delete),
        len(to_withdraw),
        shop.slug,
    )
    return DeleteResult(deleted=len(to_delete), withdrawn=len(to_withdraw))
