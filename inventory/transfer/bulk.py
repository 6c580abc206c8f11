"""Writing many records with one ``executemany`` per statement.

``bulk_create`` and ``bulk_update`` build a model instance per row and compile
SQL per batch; for imports of a few hundred thousand wide records that costs
more than parsing the file (~300 µs a record against ~10 µs here, on
SQLite). These functions send plain value tuples instead, through Django's
connection, so they work on SQLite and PostgreSQL alike. Values must already
be clean model values (see ``columns.row_clean``).
"""

from collections.abc import Callable, Iterable
from typing import Any
from uuid import uuid4

from django.db import connection
from django.db.models import Field
from django.utils import timezone

from inventory.models import Record
from shops.models import Shop

_PLAIN_TYPES = frozenset(
    {
        "BooleanField",
        "CharField",
        "TextField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
    }
)
_AUTOMATIC = frozenset({"shop", "public_id", "created", "updated"})

_FIELDS = [field for field in Record._meta.concrete_fields if not field.primary_key]
_BY_NAME = {field.name: field for field in _FIELDS}
_DEFAULTS = {
    field.name: field.get_default() for field in _FIELDS if field.name not in _AUTOMATIC
}


def _converter(field: Field) -> Callable[[Any], Any] | None:
    """None when the database takes the Python value as it is."""
    if field.get_internal_type() in _PLAIN_TYPES:
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def records_insert(*, shop: Shop, rows: Iterable[dict[str, Any]]) -> None:
    """Insert new records; fields a row leaves out get their defaults."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    automatic = {"shop": shop.pk, "created": now, "updated": now}
    names = [field.name for field in _FIELDS]
    position = {name: index for index, name in enumerate(names)}
    blank = [automatic.get(name, _DEFAULTS.get(name)) for name in names]
    converted = [
        (index, convert)
        for index, field in enumerate(_FIELDS)
        if field.name not in _AUTOMATIC and (convert := _converter(field))
    ]
    public_id = position["public_id"]
    native_uuid = connection.features.has_native_uuid_field
    params = []
    for values in rows:
        row = blank.copy()
        for name, value in values.items():
            row[position[name]] = value
        for index, convert in converted:
            if row[index] is not None:
                row[index] = convert(row[index])
        row[public_id] = uuid4() if native_uuid else uuid4().hex
        params.append(row)
    if not params:
        return
    columns = ", ".join(_quoted(field.column) for field in _FIELDS)
    marks = ", ".join(["%s"] * len(_FIELDS))
    table = _quoted(Record._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", params)


def records_update(*, names: tuple[str, ...], rows: list[tuple[int, dict]]) -> None:
    """Set the fields ``names`` (and ``updated``) of records given by pk."""
    fields = [_BY_NAME[name] for name in names]
    converters = [_converter(field) for field in fields]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = []
    for pk, values in rows:
        row = []
        for field, convert in zip(fields, converters, strict=True):
            value = values[field.name]
            row.append(value if convert is None or value is None else convert(value))
        row.extend((now, pk))
        params.append(row)
    assignments = ", ".join(f"{_quoted(field.column)} = %s" for field in fields)
    table = _quoted(Record._meta.db_table)
    key = _quoted(Record._meta.pk.column)
    sql = (
        f"UPDATE {table} SET {assignments}, {_quoted('updated')} = %s WHERE {key} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
