"""Field mappings: which record fields make the condition note, and how joined.

A shop has one mapping; a service may override it. Reading never writes: a
shop that never touched its mapping gets the defaults. The first change to a
service's mapping copies the shop's, so the override starts from what the
seller saw.
"""

import logging
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Min, Q, QuerySet, Value
from django.db.models.functions import Greatest, Length, Replace

from inventory.models import Record
from marketplace.models import FieldMapping, Service
from marketplace.notes import (
    DEFAULT_NOTE_LIMIT,
    MAPPABLE_FIELDS,
    OWN_NOTE_FIELD,
    NoteBuilder,
)
from shops.models import Shop

logger = logging.getLogger(__name__)

FIELD_NOT_ALLOWED = "That field cannot be part of the condition note."
FIELD_ALREADY_USED = "That field is already in the note."
FIELD_NOT_USED = "That field is not in the note."
SEPARATOR_EMPTY = "The separator cannot be empty."
SEPARATOR_TOO_LONG = "The separator can be at most %(max)d characters long."
SEPARATOR_CONTROL = "The separator cannot contain tabs or line breaks."
SERVICE_OF_ANOTHER_SHOP = "The service belongs to another shop."

SEPARATOR_MAX_LENGTH = FieldMapping._meta.get_field("separator").max_length

Direction = Literal["up", "down"]


def field_label(name: str) -> str:
    verbose = str(Record._meta.get_field(name).verbose_name)
    return verbose[:1].upper() + verbose[1:]


FIELD_LABELS = {name: field_label(name) for name in MAPPABLE_FIELDS}


def _clean_fields(fields: object) -> list[str]:
    """Keep the stored names that may still be mapped, each once."""
    if not isinstance(fields, list):
        return []
    names = (name for name in fields if isinstance(name, str))
    return [name for name in dict.fromkeys(names) if name in FIELD_LABELS]


def _check_service(shop: Shop, service: Service | None) -> None:
    if service is not None and service.shop_id != shop.pk:
        raise ValueError(SERVICE_OF_ANOTHER_SHOP)


# Selectors


def mapping_for(shop: Shop, service: Service | None = None) -> FieldMapping:
    """Return the mapping in force: the service's, the shop's, or the default.

    One query. The default comes back unsaved (``pk`` is None); a mapping
    whose ``service_id`` is set is the service's own override.
    """
    _check_service(shop, service)
    query = Q(service__isnull=True)
    if service is not None:
        query |= Q(service=service)
    found = {m.service_id: m for m in FieldMapping.objects.for_shop(shop).filter(query)}
    mapping = (service is not None and found.get(service.pk)) or found.get(None)
    if mapping is None:
        mapping = FieldMapping(
            shop=shop,
            fields=list(FieldMapping.DEFAULT_FIELDS),
            separator=FieldMapping.DEFAULT_SEPARATOR,
        )
    mapping.fields = _clean_fields(mapping.fields)
    return mapping


def mapping_note_limit(*, shop: Shop, service: Service | None = None) -> int:
    """The note limit to check a mapping against.

    A service's own; for the shop's mapping, the smallest among the services
    that use it, so no listing is clipped unseen.
    """
    if service is not None:
        return service.note_limit
    smallest = (
        Service.objects.for_shop(shop)
        .filter(field_mapping__isnull=True)
        .aggregate(smallest=Min("note_limit"))["smallest"]
    )
    return DEFAULT_NOTE_LIMIT if smallest is None else smallest


def mapping_unused_fields(mapping: FieldMapping) -> list[tuple[str, str]]:
    """The (name, label) pairs the editor may still add, in editor order."""
    used = set(mapping.fields)
    return [(name, FIELD_LABELS[name]) for name in MAPPABLE_FIELDS if name not in used]


def records_matching(*, shop: Shop, query: str, limit: int = 10) -> QuerySet[Record]:
    """A shop's records whose SKU starts with, or title contains, ``query``."""
    query = query.strip()
    records = Record.objects.for_shop(shop).order_by("sku")
    if query:
        records = records.filter(Q(sku__istartswith=query) | Q(title__icontains=query))
    return records[:limit]


# "Very Good in Good dust jacket" is 16 characters longer than its two codes.
GRADE_SLACK = 20
CLIPPED_PAGE_SIZE = 20
CLIPPED_CHUNK = 500
CLIPPED_SCAN_CAP = 5000


@dataclass(frozen=True)
class ClippedRecord:
    public_id: str
    sku: str
    title: str
    length: int


@dataclass(frozen=True)
class ClippedPage:
    records: list[ClippedRecord]
    # The SKU to continue from, or "" when the scan reached the last record.
    next_after: str
    examined: int


def _note_length_bound(fields: list[str], separator: str):
    """An SQL expression never smaller than the length of the built note.

    Whitespace folding and separator merging only shorten a note; the grade
    phrase adds at most ``GRADE_SLACK`` characters; an ellipsis grows to three
    dots. Clipping is then checked exactly in Python for the rows it lets by.
    """

    def grown(name: str):
        return Length(Replace(F(name), Value("\u2026"), Value("...")))

    mapped = Value(len(separator) * len(fields) + GRADE_SLACK)
    for name in fields:
        mapped = mapped + grown(name)
    return Greatest(grown(OWN_NOTE_FIELD), mapped)


def records_with_clipped_notes(
    *,
    shop: Shop,
    service: Service | None = None,
    after: str = "",
    page_size: int = CLIPPED_PAGE_SIZE,
    scan_cap: int = CLIPPED_SCAN_CAP,
) -> ClippedPage:
    """Find, in SKU order after ``after``, records whose note gets clipped.

    The database filters with an upper bound of each note's length, so only
    records that might be clipped come back, ``CLIPPED_CHUNK`` at a time; notes
    are built for those alone. It stops at ``page_size`` finds or after
    ``scan_cap`` candidates, and says where to go on. The bound is computed
    for every record of the shop in the database (a scan there, but no rows
    travel), and it holds for the UTF-8 feed; a cp1252 file may transliterate
    a few characters into longer ones.
    """
    mapping = mapping_for(shop, service)
    limit = mapping_note_limit(shop=shop, service=service)
    builder = NoteBuilder(mapping.fields, mapping.separator, limit)
    unlimited = NoteBuilder(mapping.fields, mapping.separator, limit=10**9)
    candidates = (
        Record.objects.for_shop(shop)
        .annotate(note_bound=_note_length_bound(mapping.fields, mapping.separator))
        .filter(note_bound__gt=limit)
        .order_by("sku")
        .values("public_id", "sku", "title", *builder.columns)
    )
    found: list[ClippedRecord] = []
    examined = 0
    cursor = after
    while True:
        chunk = list(
            (candidates.filter(sku__gt=cursor) if cursor else candidates)[
                :CLIPPED_CHUNK
            ]
        )
        for row in chunk:
            examined += 1
            cursor = row["sku"]
            note = builder.build(row)
            if note.clipped:
                found.append(
                    ClippedRecord(
                        public_id=str(row["public_id"]),
                        sku=row["sku"],
                        title=row["title"],
                        length=len(unlimited.build(row).text),
                    )
                )
            if len(found) >= page_size or examined >= scan_cap:
                return ClippedPage(found, next_after=cursor, examined=examined)
        if len(chunk) < CLIPPED_CHUNK:
            return ClippedPage(found, next_after="", examined=examined)


# Services


def _editable(shop: Shop, service: Service | None) -> FieldMapping:
    """Return the saved mapping to change, made from the one in force."""
    _check_service(shop, service)
    current = mapping_for(shop, service)
    if current.pk is not None and current.service_id == (service and service.pk):
        return FieldMapping.objects.select_for_update().get(pk=current.pk)
    mapping, _ = FieldMapping.objects.get_or_create(
        shop=shop,
        service=service,
        defaults={"fields": list(current.fields), "separator": current.separator},
    )
    mapping.fields = _clean_fields(mapping.fields)
    return mapping


def _save(mapping: FieldMapping, action: str) -> FieldMapping:
    mapping.save(update_fields=["fields", "separator", "updated"])
    logger.info(
        "Field mapping of shop %s, service %s: %s",
        mapping.shop.slug,
        mapping.service.marketplace if mapping.service else "none",
        action,
    )
    return mapping


@transaction.atomic
def field_mapping_add_field(
    *, shop: Shop, service: Service | None = None, field: str
) -> FieldMapping:
    if field not in FIELD_LABELS:
        raise ValidationError(FIELD_NOT_ALLOWED)
    mapping = _editable(shop, service)
    if field in mapping.fields:
        raise ValidationError(FIELD_ALREADY_USED)
    mapping.fields = [*mapping.fields, field]
    return _save(mapping, f"added {field}")


@transaction.atomic
def field_mapping_move_field(
    *, shop: Shop, service: Service | None = None, field: str, direction: Direction
) -> FieldMapping:
    mapping = _editable(shop, service)
    if field not in mapping.fields:
        raise ValidationError(FIELD_NOT_USED)
    fields = list(mapping.fields)
    index = fields.index(field)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(fields):
        fields[index], fields[other] = fields[other], fields[index]
    mapping.fields = fields
    return _save(mapping, f"moved {field} {direction}")


@transaction.atomic
def field_mapping_remove_field(
    *, shop: Shop, service: Service | None = None, field: str
) -> FieldMapping:
    mapping = _editable(shop, service)
    if field not in mapping.fields:
        raise ValidationError(FIELD_NOT_USED)
    mapping.fields = [name for name in mapping.fields if name != field]
    return _save(mapping, f"removed {field}")


@transaction.atomic
def field_mapping_set_separator(
    *, shop: Shop, service: Service | None = None, separator: str
) -> FieldMapping:
    if not separator:
        raise ValidationError(SEPARATOR_EMPTY)
    if len(separator) > SEPARATOR_MAX_LENGTH:
        raise ValidationError(SEPARATOR_TOO_LONG % {"max": SEPARATOR_MAX_LENGTH})
    if not separator.isprintable():
        raise ValidationError(SEPARATOR_CONTROL)
    mapping = _editable(shop, service)
    mapping.separator = separator
    return _save(mapping, f"separator set to {separator!r}")


@transaction.atomic
def field_mapping_reset(*, shop: Shop, service: Service | None = None) -> FieldMapping:
    """Put the default fields and separator back in the mapping edited."""
    mapping = _editable(shop, service)
    mapping.fields = list(FieldMapping.DEFAULT_FIELDS)
    mapping.separator = FieldMapping.DEFAULT_SEPARATOR
    return _save(mapping, "reset to the default")


@transaction.atomic
def field_mapping_drop_override(*, shop: Shop, service: Service) -> None:
    """Make ``service`` use the shop's mapping again."""
    _check_service(shop, service)
    deleted, _ = FieldMapping.objects.for_shop(shop).filter(service=service).delete()
    if deleted:
        logger.info(
            "Field mapping of shop %s, service %s: uses the shop's again",
            shop.slug,
            service.marketplace,
        )
