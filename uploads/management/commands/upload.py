"""Process and upload from the command line, as the Online page does."""

import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marketplace.models import Service
from shops.models import Shop
from uploads import pipeline
from uploads.forms import uploadable_services
from uploads.models import UploadRun
from uploads.selectors import Progress, duration_words, progress_for

NO_SHOP = "No shop with the slug {slug!r}."
NO_SERVICE = "{shop} has no {name} service (it has: {known})."
STALLED = (
    "Nothing moved for {seconds:g} seconds: is a worker running "
    "(celery -A config.celery worker)? The upload is not cancelled: it goes on "
    "once a worker runs, or cancel it on its page of the Export log."
)
FAILED = "The upload to {service} failed: {error}"

HELP = """Send the records set for upload to Amazon, as "Process and upload" does.

Without --service, every active service registered with Amazon is sent its
records, one service after another. The work is done by the Celery worker:
with --wait this command follows it, printing progress, and needs a worker
running (celery -A config.celery worker). It exits 1 when an upload fails or
nothing moves for --timeout seconds."""


def _service_key(value: str) -> str:
    return value.strip().lower().replace("-", "_")


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, help="The shop's slug.")
        parser.add_argument(
            "--service",
            action="append",
            default=[],
            metavar="MARKETPLACE",
            help="amazon-us, amazon-ca or amazon-uk; repeat for several. "
            "Default: every active registered service.",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="all_inventory",
            help="All online inventory, not only the records set for upload.",
        )
        parser.add_argument(
            "--images",
            action="store_true",
            help="Upload image URLs too (services set to send them always do).",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="Follow the upload until it ends (needs a running worker).",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=600.0,
            help="With --wait: give up when nothing moves for this many seconds "
            "(default 600).",
        )

    def handle(self, *args, **options) -> None:
        shop = Shop.objects.filter(slug=options["shop"]).first()
        if shop is None:
            raise CommandError(NO_SHOP.format(slug=options["shop"]))
        services = self._services(shop, options["service"])
        try:
            runs = pipeline.upload_start(
                shop=shop,
                services=services,
                all_inventory=options["all_inventory"],
                upload_images=True if options["images"] else None,
                trigger=UploadRun.Trigger.COMMAND,
            )
        except pipeline.UploadError as error:
            raise CommandError(str(error)) from error
        for run in runs:
            self.stdout.write(
                f"Queued the upload to {run.service.get_marketplace_display()} "
                f"({run.public_id})."
            )
        if options["wait"]:
            self._follow(runs, options["timeout"])

    def _services(self, shop: Shop, names: list[str]) -> list[Service]:
        if not names:
            return list(uploadable_services(shop))
        mine = {
            service.marketplace: service for service in Service.objects.for_shop(shop)
        }
        chosen = []
        for name in names:
            service = mine.get(_service_key(name))
            if service is None:
                known = ", ".join(key.replace("_", "-") for key in mine) or "none"
                raise CommandError(
                    NO_SERVICE.format(shop=shop.slug, name=name, known=known)
                )
            chosen.append(service)
        return chosen

    def _follow(self, runs: list[UploadRun], timeout: float) -> None:
        """Print each change of the runs until all end; raise on failure."""
        ids = [run.pk for run in runs]
        last_lines: dict[int, str] = {}
        beats: dict[int, datetime | None] = {}
        last_change = time.monotonic()
        while True:
            current = list(
                UploadRun.objects.filter(pk__in=ids)
                .select_related("service")
                .order_by("created", "pk")
            )
            for progress in progress_for(current):
                run = progress.run
                # A worker polling a slow feed moves the heartbeat only.
                if beats.get(run.pk) != run.heartbeat:
                    beats[run.pk] = run.heartbeat
                    last_change = time.monotonic()
                line = self._line(progress)
                if last_lines.get(run.pk) != line:
                    last_lines[run.pk] = line
                    last_change = time.monotonic()
                    self.stdout.write(line)
            if all(run.state in UploadRun.END_STATES for run in current):
                break
            if time.monotonic() - last_change > timeout:
                raise CommandError(STALLED.format(seconds=timeout))
            time.sleep(0.5)
        failed = [run for run in current if run.state == UploadRun.State.FAILED]
        if failed:
            run = failed[0]
            raise CommandError(
                FAILED.format(
                    service=run.service.get_marketplace_display(), error=run.error
                ),
                returncode=1,
            )

    def _line(self, progress: Progress) -> str:
        run = progress.run
        name = run.service.get_marketplace_display()
        if run.state == UploadRun.State.DONE:
            took = duration_words(run.duration)
            return f"{name}: {run.summary} (done in {took})."
        if run.state in UploadRun.END_STATES:
            return f"{name}: {run.get_state_display().lower()}. {run.error}"
        detail = ""
        if progress.feeds:
            detail = (
                f" [{progress.done}/{progress.steps}: {run.records_exported} records"
                f" exported, {progress.sent} of {progress.feeds} feeds uploaded,"
                f" {progress.finished} processed]"
            )
        return f"{name}: {progress.phase}{detail}"
