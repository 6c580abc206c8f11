from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inventory.models import ImportJob
from inventory.transfer.reading import FileRejected
from inventory.transfer.services import ImportResult, records_import
from shops.models import Shop

NO_SHOP = "No shop has the slug {slug}."
NO_FILE = "Cannot read {path}: {error}"
REJECTED = "{path} was not imported: {reason}"


class Command(BaseCommand):
    help = (
        "Import an inventory file into a shop now, as the Import page does: "
        "records are matched by record number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, help="The shop's slug.")
        parser.add_argument("--format", required=True, choices=ImportJob.Format.values)
        parser.add_argument("file", type=Path)

    def handle(self, *args, shop: str, format: str, file: Path, **options) -> None:
        found = Shop.objects.filter(slug=shop).first()
        if found is None:
            raise CommandError(NO_SHOP.format(slug=shop))
        try:
            stream = file.open("rb")
        except OSError as error:
            raise CommandError(NO_FILE.format(path=file, error=error)) from None
        with stream:
            try:
                result = records_import(
                    shop=found, format=format, stream=stream, progress=self._progress
                )
            except FileRejected as rejection:
                raise CommandError(
                    REJECTED.format(path=file, reason=rejection)
                ) from None
        if self.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(
            f"{result.processed} rows read: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged, "
            f"{result.error_count} with errors."
        )
        for error in result.errors:
            self.stdout.write(f"line {error['line']}: {error['reason']}")
        if result.summary:
            self.stdout.write(result.summary)

    def _progress(self, result: ImportResult) -> None:
        if self.stdout.isatty():
            self.stdout.write(f"\r{result.processed} rows read", ending="")
            self.stdout.flush()
