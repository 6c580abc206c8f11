"""An upload of all online inventory, end to end, against the simulator.

Run: .venv/bin/python benchmarks/upload.py [--records 100000]

Everything is real and local: an embedded Redis, the Amazon simulator over
HTTP (its rate limits at Amazon's published values), one Celery worker
process, and its own SQLite database (var/bench/upload/, rebuilt each run).
Reports the wall time from "Process and upload" to the run's end, the feeds
and API calls made, and the worker's peak memory (resident set of the worker
and its children, sampled every 50 ms with psutil). The floor beside it is
the same records' feed documents built alone, with no upload at all.
"""

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench" / "upload"

sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["SHELFMARK_VAR_DIR"] = str(BENCH)
os.environ["DATABASE_URL"] = f"sqlite:///{BENCH / 'db.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(BENCH / "media")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Polls start after a second and grow to ten; Amazon's own pace is minutes.
os.environ.setdefault("UPLOAD_POLL_FIRST_SECONDS", "1")
os.environ.setdefault("UPLOAD_POLL_MAX_SECONDS", "10")


def peak_memory(pid: int, stop: threading.Event, peak: list[int]) -> None:
    import psutil

    process = psutil.Process(pid)
    while not stop.is_set():
        try:
            tree = [process, *process.children(recursive=True)]
            peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()

    shutil.rmtree(BENCH, ignore_errors=True)
    BENCH.mkdir(parents=True)

    from tests.services import EmbeddedRedis

    redis_server = EmbeddedRedis()
    os.environ["REDIS_URL"] = redis_server.url

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from simulator.testing import DEFAULT_SELLER_ID, running_simulator

    with running_simulator(queue_seconds=0.5, processing_seconds=0.5) as amazon:
        os.environ["AMAZON_SIMULATOR_URL"] = amazon.url
        os.environ["AMAZON_USE_SIMULATOR"] = "true"
        settings.AMAZON_SIMULATOR_URL = amazon.url
        try:
            run_benchmark(args.records, amazon, DEFAULT_SELLER_ID, call_command)
        finally:
            redis_server.stop()


def run_benchmark(records: int, amazon, seller_id: str, call_command) -> None:
    from django.conf import settings
    from django.utils import timezone

    from marketplace import crypto
    from marketplace.feeds.build import build_feeds
    from marketplace.models import Service
    from shops.models import Shop
    from tests.services import Worker
    from uploads import pipeline
    from uploads.models import UploadFeed, UploadRun

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", shop="bench", books=records, verbosity=0)
    print(f"seeded {records:,} records in {time.perf_counter() - started:.1f} s")
    shop = Shop.objects.get(slug="bench")
    grant = amazon.control.authorize(seller_id)
    service, _ = Service.objects.get_or_create(shop=shop, marketplace="amazon_us")
    service.selling_partner_id = seller_id
    service.refresh_token_encrypted = crypto.encrypt(grant["refresh_token"])
    service.registered_at = timezone.now()
    service.save()

    # The floor: the same feeds built alone, no HTTP, no worker.
    floor_dir = Path(settings.MEDIA_ROOT) / "floor"
    started = time.perf_counter()
    floor = build_feeds(service, all_inventory=True, out_dir=floor_dir)
    floor_seconds = time.perf_counter() - started
    shutil.rmtree(floor_dir)

    worker = Worker()
    stop, peak = threading.Event(), [0]
    sampler = threading.Thread(
        target=peak_memory, args=(worker.process.pid, stop, peak), daemon=True
    )
    sampler.start()
    try:
        before = amazon.control.counters()["operations"]
        started = time.perf_counter()
        run = pipeline.upload_start(shop=shop, services=[service], all_inventory=True)[
            0
        ]
        while UploadRun.objects.get(pk=run.pk).is_live:
            time.sleep(0.2)
        wall = time.perf_counter() - started
    finally:
        stop.set()
        sampler.join()
        worker.stop()
    run = UploadRun.objects.get(pk=run.pk)
    after = amazon.control.counters()["operations"]
    calls = {op: after.get(op, 0) - before.get(op, 0) for op in after}
    calls = {op: n for op, n in sorted(calls.items()) if n}
    feeds = UploadFeed.objects.filter(run=run)

    print()
    print(f"records in the shop           {records:>12,}")
    print(f"records sent                  {run.records_exported:>12,}")
    print(
        f"accepted / rejected / held    {run.records_accepted:,} / "
        f"{run.records_rejected:,} / {run.records_held:,}"
    )
    print(f"result                        {run.state:>12}")
    print(f"wall time, end to end         {wall:>10.1f} s")
    print(
        f"floor: feeds built alone      {floor_seconds:>10.1f} s "
        f"({len(floor.batches)} documents)"
    )
    print(f"feeds sent                    {feeds.count():>12}")
    print(f"API calls                     {sum(calls.values()):>12}  {calls}")
    print(f"worker peak memory (RSS)      {peak[0] / 2**20:>10.0f} MiB")
    print(f"summary: {run.summary}")


if __name__ == "__main__":
    main()
