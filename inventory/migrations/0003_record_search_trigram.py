"""Indexes for the inventory list that only PostgreSQL can have.

The list page's search runs ``icontains`` on title, author and keywords, which
Django writes as ``UPPER(column::text) LIKE UPPER('%word%')``; a GIN trigram
index on that same expression serves it. SQLite has no such index and scans
the shop's rows instead.

The list sorts records without a price as the cheapest (NULLS FIRST going up,
NULLS LAST going down): SQLite's own order, served there by
``record_shop_price``; PostgreSQL needs the nulls declared first.

These indexes live outside the model state, so ``makemigrations`` does not
try to create them on SQLite.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ("title", "author", "keywords")


class TrigramExtensionOnPostgres(TrigramExtension):
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # Other apps may use pg_trgm too: leave the extension in place.
        return


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS record_shop_price_nulls_first "
        "ON inventory_record (shop_id, price ASC NULLS FIRST, sku)"
    )
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS record_{column}_trgm "
            f"ON inventory_record USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS record_shop_price_nulls_first")
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS record_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0002_record_list_indexes"),
    ]

    operations = [
        TrigramExtensionOnPostgres(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
