"""Setting records for upload: each record's listing state per marketplace.

A change to a field the marketplace receives makes the record pending on every
marketplace it is listed for: pending add if Amazon has never had it, pending
update if it has, pending delete once it is sold, withdrawn, out of stock or
no longer wanted there. Each change bumps the state's ``revision``; an upload
settles only the revision it sent (see ``listing_states_settle``).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from inventory.models import ListingState, Marketplace, Record
from shops.models import Shop

State = ListingState.State

# Fields that never reach a marketplace: changing them sets nothing pending.
LOCAL_FIELDS = frozenset({"location", "cost", "created", "updated", "public_id"})
PRICE_QUANTITY_FIELDS = frozenset({"price", "price2", "price3", "quantity"})

CHUNK = 1000
MESSAGE_MAX = 2000

_RECORD_COLUMNS = (
    "pk",
    "status",
    "quantity",
    "list_amazon_us",
    "list_amazon_ca",
    "list_amazon_uk",
)


def _wanted(row: dict, marketplace: str) -> bool:
    return (
        row["status"] == Record.Status.AVAILABLE
        and row["quantity"] > 0
        and row[f"list_{marketplace}"]
    )


def _next_state(
    current: ListingState | None, wanted: bool, changed: frozenset[str] | None
) -> tuple[str, bool] | None:
    """The (state, price_quantity_only) after a change; None if unaffected."""
    ever_listed = current is not None and (
        current.listed_since is not None or current.state in ListingState.ON_AMAZON
    )
    if not wanted:
        if ever_listed:
            return State.PENDING_DELETE, False
        if current is not None and current.state != State.NOT_LISTED:
            return State.NOT_LISTED, False
        return None
    if not ever_listed:
        return State.PENDING_ADD, False
    price_quantity = changed is not None and changed <= PRICE_QUANTITY_FIELDS
    if current.state == State.PENDING_UPDATE and not current.price_quantity_only:
        price_quantity = False
    if current.state not in (State.LISTED, State.PENDING_UPDATE):
        price_quantity = False
    return State.PENDING_UPDATE, price_quantity


def records_mark_changed(
    *,
    shop: Shop,
    record_ids: Iterable[int],
    changed_fields: Iterable[str] | None = None,
    now: datetime | None = None,
) -> int:
    """Set the given records pending where the change concerns a marketplace.

    ``changed_fields`` None means the whole record (new, imported, or set for
    upload by hand). Returns how many listing states changed. Works in chunks:
    two reads, one insert and a few grouped updates per chunk.
    """
    changed = None if changed_fields is None else frozenset(changed_fields)
    if changed is not None:
        changed = changed - LOCAL_FIELDS
        if not changed:
            return 0
    now = now or timezone.now()
    ids = list(record_ids)
    touched = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        touched += _mark_chunk(shop, chunk, changed, now)
    return touched


class _Current(NamedTuple):
    pk: int
    state: str
    price_quantity_only: bool
    listed_since: datetime | None

    @property
    def is_pending(self) -> bool:
        return self.state in ListingState.PENDING


@transaction.atomic
def _mark_chunk(
    shop: Shop, ids: list[int], changed: frozenset[str] | None, now: datetime
) -> int:
    rows = Record.objects.for_shop(shop).filter(pk__in=ids).values(*_RECORD_COLUMNS)
    states = {
        (record_id, marketplace): _Current(pk, *rest)
        for pk, record_id, marketplace, *rest in ListingState.objects.for_shop(shop)
        .filter(record_id__in=ids)
        .select_for_update()
        .values_list(
            "pk",
            "record_id",
            "marketplace",
            "state",
            "price_quantity_only",
            "listed_since",
        )
    }
    to_create: list[tuple] = []
    # Updates grouped by what they set, so each group is one UPDATE statement.
    to_update: dict[tuple[str, bool, str], list[int]] = defaultdict(list)
    for row in rows:
        for marketplace in Marketplace.values:
            current = states.get((row["pk"], marketplace))
            outcome = _next_state(current, _wanted(row, marketplace), changed)
            if outcome is None:
                continue
            state, price_quantity = outcome
            pending = state in ListingState.PENDING
            if current is None:
                to_create.append(
                    (
                        row["pk"],
                        shop.pk,
                        marketplace,
                        state,
                        price_quantity,
                        1,
                        "",
                        now if pending else None,
                    )
                )
                continue
            if state == State.NOT_LISTED:
                since = "clear"
            elif pending and not current.is_pending:
                since = "now"
            else:
                since = "keep"
            to_update[(state, price_quantity, since)].append(current.pk)
    _insert_states(to_create)
    for (state, price_quantity, since), pks in to_update.items():
        fields = {
            "state": state,
            "price_quantity_only": price_quantity,
            "revision": F("revision") + 1,
            "message": "",
        }
        if since != "keep":
            fields["pending_since"] = now if since == "now" else None
        for start in range(0, len(pks), 500):
            ListingState.objects.filter(pk__in=pks[start : start + 500]).update(
                **fields
            )
    return len(to_create) + sum(len(pks) for pks in to_update.values())


_INSERT_COLUMNS = (
    "record_id",
    "shop_id",
    "marketplace",
    "state",
    "price_quantity_only",
    "revision",
    "message",
    "pending_since",
)


def _insert_states(rows: list[tuple]) -> None:
    """Insert new listing states with one prepared statement.

    ``bulk_create`` builds a model instance and compiles SQL per batch, which
    made setting 200,000 imported records pending take minutes.
    """
    if not rows:
        return
    table = connection.ops.quote_name(ListingState._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _INSERT_COLUMNS)
    marks = ", ".join(["%s"] * len(_INSERT_COLUMNS))
    adapt = connection.ops.adapt_datetimefield_value
    values = [(*row[:-1], adapt(row[-1])) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)


def listing_states_settle(
    *,
    shop: Shop,
    marketplace: str,
    accepted: dict[int, int],
    rejected: dict[int, tuple[int, str]],
    now: datetime | None = None,
) -> None:
    """Record what a marketplace did with an upload.

    ``accepted`` maps record ids to the revision that was sent; ``rejected``
    maps record ids to (revision, Amazon's message): those stay pending and
    show the message. An accepted state whose revision
    moved on since the upload was built keeps its pending state: the newer
    change still has to go out.
    """
    now = now or timezone.now()
    base = ListingState.objects.for_shop(shop).filter(marketplace=marketplace)
    by_revision: dict[int, list[int]] = defaultdict(list)
    for record_id, revision in accepted.items():
        by_revision[revision].append(record_id)
    with transaction.atomic():
        for revision, record_ids in by_revision.items():
            for start in range(0, len(record_ids), CHUNK):
                sent = base.filter(
                    record_id__in=record_ids[start : start + CHUNK], revision=revision
                )
                sent.filter(state=State.PENDING_DELETE).update(
                    state=State.NOT_LISTED,
                    message="",
                    pending_since=None,
                    last_uploaded=now,
                    listed_since=None,
                    price_quantity_only=False,
                )
                sent.filter(state__in=(State.PENDING_ADD, State.PENDING_UPDATE)).update(
                    state=State.LISTED,
                    message="",
                    pending_since=None,
                    last_uploaded=now,
                    listed_since=Coalesce("listed_since", Value(now)),
                    price_quantity_only=False,
                )
        # Refused records stay pending; the message says why.
        _set_messages(
            base, {record_id: message for record_id, (_, message) in rejected.items()}
        )


def listing_states_hold(
    *, shop: Shop, marketplace: str, reasons: dict[int, str]
) -> None:
    """Keep records back from an upload, with the reason shown on each."""
    base = ListingState.objects.for_shop(shop).filter(marketplace=marketplace)
    _set_messages(base, reasons)


def _set_messages(states, messages: dict[int, str]) -> None:
    """Write each record's message, one UPDATE per distinct message and chunk:
    the reasons a feed holds records back, and often Amazon's, repeat."""
    by_message: dict[str, list[int]] = defaultdict(list)
    for record_id, message in messages.items():
        by_message[message[:MESSAGE_MAX]].append(record_id)
    for message, record_ids in by_message.items():
        for start in range(0, len(record_ids), CHUNK):
            states.filter(record_id__in=record_ids[start : start + CHUNK]).update(
                message=message
            )
