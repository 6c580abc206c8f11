import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inventory.models import Record
from inventory.transfer.exporters import csv_export, uiee_export
from shops.models import Shop

NO_SHOP = "No shop has the slug {slug}."
EXPORTERS = {"csv": csv_export, "uiee": uiee_export}


class Command(BaseCommand):
    help = "Write a shop's records to a CSV or UIEE file (or - for standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, help="The shop's slug.")
        parser.add_argument("--format", required=True, choices=sorted(EXPORTERS))
        parser.add_argument("--out", required=True, help="A file path, or -.")

    def handle(self, *args, shop: str, format: str, out: str, **options) -> None:
        found = Shop.objects.filter(slug=shop).first()
        if found is None:
            raise CommandError(NO_SHOP.format(slug=shop))
        chunks = EXPORTERS[format](Record.objects.for_shop(found))
        if out == "-":
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            return
        path = Path(out)
        try:
            with path.open("wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error}") from None
        self.stderr.write(f"Wrote {path}")
