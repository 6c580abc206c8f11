"""Inventory at scale: import, the list page and export, each beside a floor.

Run: .venv/bin/python benchmarks/inventory.py [--records 200000]

Uses its own database (var/bench/inventory.sqlite3, rebuilt each run). The
baselines are measured in the same run, on the same database: a bare
sqlite3 ``executemany`` inserting the same columns into the same table, and
a bare ``SELECT`` of the same columns.
"""

import argparse
import io
import os
import resource
import sqlite3
import statistics
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
DATABASE = BENCH / "inventory.sqlite3"

sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.setdefault("LOG_LEVEL", "WARNING")

FIELDS = (
    "sku", "isbn", "author", "title", "publisher", "place", "pub_date", "binding",
    "book_type", "book_grade", "jacket_grade", "defects", "description", "keywords",
    "location", "price", "quantity", "status",
)  # fmt: skip
GRADES = ("as_new", "fine", "near_fine", "very_good", "good", "fair", "poor")
STATUSES = ("available",) * 8 + ("sold", "on_hold")
WORDS = (
    "river", "winter", "garden", "letters", "voyage", "history", "island", "night",
    "mirror", "empire", "season", "stranger", "house", "journey", "memory", "fire",
)  # fmt: skip


def _values(n: int) -> tuple:
    word = WORDS[n % len(WORDS)]
    other = WORDS[(n * 7) % len(WORDS)]
    return (
        f"BK-{n:07d}",
        "",
        f"Author{n % 5003}, Firstname",
        f"The {word.title()} of the {other.title()} volume {n}",
        f"Publisher {n % 211}",
        ("London", "New York", "Paris")[n % 3],
        str(1850 + n % 170),
        ("Hardcover", "Paperback")[n % 2],
        "Fiction",
        GRADES[n % len(GRADES)],
        GRADES[(n + 2) % len(GRADES)],
        "Light foxing; spine sunned." if n % 3 else "",
        f"A {word} copy, well kept. Éditions ancienne n°{n}.",
        f"{word}, {other}",
        f"Shelf {n % 90}",
        f"{5 + n % 400}.{n % 100:02d}",
        1 + n % 3,
        STATUSES[n % len(STATUSES)],
    )


def _timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    count = args.records

    BENCH.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from inventory.models import ListingState, Record
    from inventory.transfer import exporters
    from inventory.transfer.services import records_import
    from shops.models import User
    from shops.services import shop_create

    call_command("migrate", verbosity=0)
    setup_test_environment()
    user = User.objects.create_user(email="bench@example.com", password="bench-pass")
    shop = shop_create(name="Bench", owner=user, slug="bench")
    floor = shop_create(name="Floor", owner=user, slug="floor")
    rows = [_values(n) for n in range(count)]
    table = Record._meta.db_table
    results: list[tuple[str, str, str]] = []

    # Baseline: every column of the table (as the importer writes them), the
    # same values, straight through sqlite3's executemany.
    def bare_insert() -> None:
        fields = [f for f in Record._meta.concrete_fields if not f.primary_key]
        position = {name: index for index, name in enumerate(FIELDS)}
        now = "2026-01-01 00:00:00"
        fixed = {"shop": floor.pk, "created": now, "updated": now}
        blank = [fixed.get(f.name, f.get_default()) for f in fields]
        plan = [(index, position.get(f.name)) for index, f in enumerate(fields)]
        at_uuid = [f.name for f in fields].index("public_id")

        def params():
            for row in rows:
                values = blank.copy()
                for index, source in plan:
                    if source is not None:
                        values[index] = row[source]
                values[at_uuid] = uuid.uuid4().hex
                yield values

        database = sqlite3.connect(DATABASE)
        columns = ", ".join(f.column for f in fields)
        marks = ", ".join("?" * len(fields))
        database.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", params()
        )
        database.commit()
        database.close()

    bare_seconds, _ = _timed(bare_insert)

    # CSV and UIEE files of the same records, written by our own exporters
    # from the floor shop, then imported into an empty shop.
    files = {}
    for name, export in (
        ("csv", exporters.csv_export),
        ("uiee", exporters.uiee_export),
    ):
        files[name] = b"".join(export(Record.objects.for_shop(floor)))

    import inventory.transfer.services as transfer_services
    from inventory import listing

    marking = [0.0]
    real_mark = listing.records_mark_changed

    def timed_mark(**kwargs):
        start = time.perf_counter()
        try:
            return real_mark(**kwargs)
        finally:
            marking[0] += time.perf_counter() - start

    transfer_services.records_mark_changed = timed_mark
    for name in ("csv", "uiee"):
        Record.objects.for_shop(shop).delete()
        ListingState.objects.for_shop(shop).delete()
        marking[0] = 0.0
        seconds, result = _timed(
            lambda name=name: records_import(
                shop=shop, format=name, stream=io.BytesIO(files[name])
            )
        )
        assert result.created == count, result
        records_only = seconds - marking[0]
        results.append(
            (
                f"import {name.upper()} ({len(files[name]) / 1e6:.0f} MB)",
                f"{count / records_only:,.0f} rec/s records "
                f"({records_only:.1f} s); {count / seconds:,.0f} rec/s with "
                f"pending states ({seconds:.1f} s)",
                f"{count / bare_seconds:,.0f} rec/s executemany "
                f"({bare_seconds:.1f} s); x{records_only / bare_seconds:.1f}",
            )
        )

    transfer_services.records_mark_changed = real_mark

    # The list page: a search and a filter, logged in, median of N requests.
    client = Client()
    client.force_login(user)
    url = "/inventory/"
    query = {"q": "winter", "status": "available"}
    client.get(url, query)  # warm up
    times = []
    for _ in range(args.requests):
        seconds, response = _timed(lambda: client.get(url, query))
        assert response.status_code == 200
        times.append(seconds)

    def bare_select() -> int:
        database = sqlite3.connect(DATABASE)
        fetched = database.execute(
            f"SELECT {', '.join(FIELDS)} FROM {table} WHERE shop_id = ? "
            "AND status = 'available' AND (title LIKE '%winter%' OR author LIKE "
            "'%winter%' OR keywords LIKE '%winter%') ORDER BY updated DESC LIMIT 51",
            (shop.pk,),
        ).fetchall()
        database.close()
        return len(fetched)

    select_times = [_timed(bare_select)[0] for _ in range(args.requests)]
    results.append(
        (
            "list page ?q=winter&status=available",
            f"median {statistics.median(times) * 1000:.0f} ms",
            f"bare SELECT median {statistics.median(select_times) * 1000:.1f} ms",
        )
    )

    # Export: time and peak memory, at half the records and at all of them.
    def export_run(queryset) -> int:
        return sum(len(chunk) for chunk in exporters.csv_export(queryset))

    half_ids = (
        Record.objects.for_shop(shop)
        .order_by("sku")
        .values_list("sku", flat=True)[count // 2]
    )
    for label, queryset in (
        (f"{count // 2:,}", Record.objects.for_shop(shop).filter(sku__lt=half_ids)),
        (f"{count:,}", Record.objects.for_shop(shop)),
    ):
        seconds, size = _timed(lambda queryset=queryset: export_run(queryset))
        # A second run under tracemalloc, which slows Python down, for memory.
        tracemalloc.start()
        export_run(queryset)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        def bare_export() -> int:
            database = sqlite3.connect(DATABASE)
            cursor = database.execute(
                f"SELECT {', '.join(FIELDS)} FROM {table} WHERE shop_id = ?",
                (shop.pk,),
            )
            total = sum(1 for _ in cursor)
            database.close()
            return total

        bare, _ = _timed(bare_export)
        results.append(
            (
                f"export CSV, {label} records",
                f"{seconds:.1f} s, {size / 1e6:.0f} MB, peak {peak / 1e6:.1f} MB",
                f"bare SELECT of all {count:,}: {bare:.1f} s",
            )
        )
    connection.close()

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    width = max(len(row[0]) for row in results)
    middle = max(len(row[1]) for row in results)
    print(f"\n{count:,} records, SQLite {sqlite3.sqlite_version}")
    print(f"{'measure':<{width}}  {'Shelfmark':<{middle}}  baseline")
    for name, figure, baseline in results:
        print(f"{name:<{width}}  {figure:<{middle}}  {baseline}")
    print(f"process peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
