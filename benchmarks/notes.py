"""How fast condition notes are built, beside a plain join of the same fields.

    .venv/bin/python benchmarks/notes.py [--records 200000]

Two runs, each for the UTF-8 (JSON feed) and cp1252 (classic file) targets:

- rows made in memory, as dicts;
- rows streamed from a SQLite database of its own under var/bench/
  (``.values(...).iterator()``), seeded once and kept.

The baseline is ``separator.join`` of the same non-empty fields: the cost of
reading the values and concatenating them, with none of the note's rules.
"""

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
BENCH_DIR.mkdir(parents=True, exist_ok=True)
os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DIR / 'notes.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from inventory.models import Record  # noqa: E402
from marketplace.models import FieldMapping  # noqa: E402
from marketplace.notes import NoteBuilder  # noqa: E402
from shops.models import Shop  # noqa: E402

FIELDS = FieldMapping.DEFAULT_FIELDS
SEPARATOR = FieldMapping.DEFAULT_SEPARATOR
SEED_CHUNK = 5000
STREAM_CHUNK = 2000

PLACES = ["London", "New York", "Paris", "Z\u00fcrich", "", "\u0141\u00f3d\u017a"]
PUBLISHERS = ["Faber & Faber", "Macmillan & Co. Ltd.", "Allen & Unwin", ""]
EDITIONS = ["First edition", "First edition thus", "Second printing", "", ""]
BINDINGS = ["Hardcover", "Paperback", "Cloth", "Quarter leather", ""]
GRADES = ["as_new", "fine", "near_fine", "very_good", "good", "fair", ""]
JACKETS = [*GRADES, "none"]
DEFECTS = [
    "",
    "Light foxing to the endpapers; spine sunned.",
    "Previous owner\u2019s name on the front free endpaper\u2026 otherwise clean",
    "Ex-library with the usual stamps. " * 3,
    "Corners bumped \u2014 small tear to the jacket head.",
]
FEATURES = ["", "Signed by the author.", "Illustrated throughout", "Maps."]


def row(rng: random.Random, n: int) -> dict[str, str]:
    return {
        "place": rng.choice(PLACES),
        "publisher": rng.choice(PUBLISHERS),
        "pub_date": str(1850 + n % 170),
        "edition": rng.choice(EDITIONS),
        "printing": "",
        "size": rng.choice(["8vo", "4to", "12mo", ""]),
        "binding": rng.choice(BINDINGS),
        "book_type": "",
        "book_grade": rng.choice(GRADES),
        "jacket_grade": rng.choice(JACKETS),
        "defects": rng.choice(DEFECTS),
        "features": rng.choice(FEATURES),
        "item_note": "Own note for this copy." if n % 25 == 0 else "",
    }


def baseline(rows: Iterable[dict]) -> int:
    count = 0
    for values in rows:
        SEPARATOR.join(v for f in FIELDS if (v := values[f]))
        count += 1
    return count


def with_builder(builder: NoteBuilder) -> Callable[[Iterable[dict]], int]:
    def build(rows: Iterable[dict]) -> int:
        count = 0
        for values in rows:
            builder.build(values)
            count += 1
        return count

    return build


def timed(label: str, work: Callable[[], int], floor: float | None) -> float:
    started = time.perf_counter()
    count = work()
    seconds = time.perf_counter() - started
    rate = count / seconds
    versus = f"  ({floor / rate:.1f}x the baseline's time)" if floor else ""
    print(f"  {label:<28} {count:>9,} in {seconds:6.2f} s  {rate:>11,.0f}/s{versus}")
    return rate


def seed(size: int) -> Shop:
    call_command("migrate", verbosity=0)
    shop, _ = Shop.objects.get_or_create(slug="bench-notes", defaults={"name": "B"})
    if Record.objects.filter(shop=shop).count() == size:
        return shop
    Record.objects.filter(shop=shop).delete()
    print(f"Seeding {size:,} records (once)...", flush=True)
    rng = random.Random(7)
    for start in range(0, size, SEED_CHUNK):
        with transaction.atomic():
            Record.objects.bulk_create(
                Record(shop=shop, sku=f"N-{n:07d}", **row(rng, n))
                for n in range(start, min(start + SEED_CHUNK, size))
            )
    return shop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    size = parser.parse_args().records
    builders = {
        target: NoteBuilder(FIELDS, SEPARATOR, 2000, target)
        for target in ("utf-8", "cp1252")
    }

    rng = random.Random(7)
    rows = [row(rng, n) for n in range(size)]
    print(f"In memory, {size:,} dict rows:")
    floor = timed("baseline separator.join", lambda: baseline(rows), None)
    for target, builder in builders.items():
        timed(f"notes, {target}", lambda b=builder: with_builder(b)(rows), floor)

    shop = seed(size)
    columns = builders["utf-8"].columns

    def stream():
        return (
            Record.objects.for_shop(shop)
            .order_by()
            .values(*columns)
            .iterator(chunk_size=STREAM_CHUNK)
        )

    print(f"Streamed from SQLite ({os.environ['DATABASE_URL']}):")
    floor = timed("baseline separator.join", lambda: baseline(stream()), None)
    for target, builder in builders.items():
        timed(f"notes, {target}", lambda b=builder: with_builder(b)(stream()), floor)


if __name__ == "__main__":
    main()
