"""How fast the feed builders turn a shop's inventory into feeds, and in how
much memory.

    .venv/bin/python benchmarks/feeds.py [--sizes 100000 200000]

Builds the feeds of shops of 100,000 and 200,000 pending records, in a
SQLite database of its own under var/bench/ (seeded once, then kept): the
JSON documents alone (what an upload sends), then with the four classic
files too. Beside them is the floor measured in the same run: one SQL query
writing the same columns to a TSV file. Aims: within 3x the floor's time,
and peak memory at the larger size within 1.2x the smaller.
"""

import argparse
import csv
import logging
import os
import shutil
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
BENCH_DIR.mkdir(parents=True, exist_ok=True)
os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DIR / 'feeds.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()
logging.getLogger("marketplace.feeds").setLevel(logging.WARNING)

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from inventory.models import ListingState, Record  # noqa: E402
from marketplace.feeds import build_feeds  # noqa: E402
from marketplace.feeds.select import FEED_COLUMNS  # noqa: E402
from marketplace.models import Service  # noqa: E402
from shops.models import Shop  # noqa: E402

MARKETPLACE = "amazon_us"
SEED_CHUNK = 5000
State = ListingState.State


def seed(size: int) -> Service:
    """A shop of ``size`` records, each pending on Amazon US; made once."""
    shop, _ = Shop.objects.get_or_create(slug=f"bench-{size}", defaults={"name": "B"})
    service, _ = Service.objects.get_or_create(
        shop=shop,
        marketplace=MARKETPLACE,
        defaults={"upload_images": True, "selling_partner_id": "A1BENCH"},
    )
    have = Record.objects.filter(shop=shop).count()
    if have == size:
        return service
    Record.objects.filter(shop=shop).delete()
    print(f"Seeding {size:,} records...", flush=True)
    for start in range(0, size, SEED_CHUNK):
        with transaction.atomic():
            records = Record.objects.bulk_create(
                [_record(shop, n) for n in range(start, min(start + SEED_CHUNK, size))]
            )
            ListingState.objects.bulk_create(
                [_state(record, n) for n, record in enumerate(records, start)]
            )
    return service


def _record(shop: Shop, n: int) -> Record:
    kind = n % 20
    return Record(
        shop=shop,
        sku=f"BK-{n:07d}",
        asin=f"B{n:09d}" if kind == 1 else "",
        isbn="" if kind in (2, 3, 4, 5) else f"978{n:010d}",
        title=f"A Tale of {n} Cities — “illustrated” édition",
        subtitle="With notes" if n % 3 == 0 else "",
        author="Charles Dickens",
        publisher="Chapman & Hall",
        place="London",
        pub_date="1859",
        edition="First edition" if n % 7 == 0 else "",
        binding="Hardcover",
        book_grade="very_good",
        jacket_grade="good",
        defects="Light foxing to the prelims; spine slightly cocked.",
        features="Eight plates after Phiz, tissue guards present.",
        price=Decimal("25.00") + n % 100,
        price2=Decimal("30.00"),
        quantity=1 + n % 3,
        status=Record.Status.SOLD if kind == 19 else Record.Status.AVAILABLE,
        image_url_1=f"https://img.example/{n}-1.jpg" if n % 5 == 0 else "",
        image_url_2=f"https://img.example/{n}-2.jpg" if n % 5 == 0 else "",
    )


def _state(record: Record, n: int) -> ListingState:
    kind = n % 20
    state = State.PENDING_ADD
    if kind == 19:
        state = State.PENDING_DELETE
    elif kind in (17, 18):
        state = State.PENDING_UPDATE
    return ListingState(
        record=record,
        shop_id=record.shop_id,
        marketplace=MARKETPLACE,
        state=state,
        price_quantity_only=kind == 18,
        revision=1,
    )


def floor(service: Service, out: Path) -> int:
    """One query writing the same columns to TSV: the least any build costs."""
    table = Record._meta.db_table
    states = ListingState._meta.db_table
    columns = [*FEED_COLUMNS, service.price_field, f"list_{MARKETPLACE}"]
    select = ", ".join(f"r.{column}" for column in columns)
    sql = (
        f"SELECT {select}, s.state, s.revision, s.price_quantity_only "
        f"FROM {table} r JOIN {states} s ON s.record_id = r.id "
        "AND s.marketplace = %s WHERE r.shop_id = %s AND s.state IN (%s, %s, %s) "
        "ORDER BY r.id"
    )
    rows = 0
    with connection.cursor() as cursor, out.open("w", newline="") as file:
        writer = csv.writer(file, delimiter="\t")
        cursor.execute(sql, [MARKETPLACE, service.shop_id, *ListingState.PENDING])
        while chunk := cursor.fetchmany(2000):
            writer.writerows(chunk)
            rows += len(chunk)
    return rows


def build(service: Service, out: Path, *, classic_files: bool) -> int:
    result = build_feeds(service, out_dir=out, classic_files=classic_files)
    return result.records + len(result.held)


def measure(work: Callable[[], int], runs: int) -> tuple[float, int, int]:
    """Seconds, rows, and peak memory, from a traced run then timed ones.

    Tracing slows Python down, so times come from untraced runs, which also
    find the database file warm; the best of ``runs`` is kept, as other work
    on the machine only ever adds time.
    """
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        rows = work()
        best = min(best, time.perf_counter() - started)
    return best, rows, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 200_000])
    parser.add_argument("--runs", type=int, default=3, help="Timed runs per figure.")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    peaks = {}
    print("floor: one SQL query to TSV; json: the JSON documents only (what an")
    print("upload sends); all: JSON documents and the four classic files.")
    print(
        f"{'records':>8} {'what':<6} {'seconds':>8} {'rec/s':>9} "
        f"{'peak MiB':>9} {'x floor':>8}"
    )
    for size in args.sizes:
        service = seed(size)
        out = BENCH_DIR / f"out-{size}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        runs = {
            "floor": partial(floor, service, out / "floor.tsv"),
            "json": partial(build, service, out / "json", classic_files=False),
            "all": partial(build, service, out / "all", classic_files=True),
        }
        figures = [(what, *measure(work, args.runs)) for what, work in runs.items()]
        floor_s = figures[0][1]
        peaks[size] = figures[-1][3]
        for what, seconds, rows, peak in figures:
            ratio = "" if what == "floor" else f"{seconds / floor_s:.2f}"
            print(
                f"{size:>8,} {what:<6} {seconds:>8.2f} {rows / seconds:>9,.0f} "
                f"{peak / 2**20:>9.1f} {ratio:>8}",
                flush=True,
            )
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        print(
            f"Peak memory at {large:,} is {peaks[large] / peaks[small]:.2f}x "
            f"that at {small:,} (aim: at most 1.2x)."
        )


if __name__ == "__main__":
    main()
