r"""Write a service's Amazon feeds to a folder, without uploading them.

python manage.py build_feeds --shop old-books --service amazon-us \
    --out var/feeds [--all]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inventory.models import Marketplace
from marketplace.feeds import build_feeds
from marketplace.models import Service
from shops.models import Shop

# amazon-us on the command line is the amazon_us marketplace.
SERVICES = {value.replace("_", "-"): value for value in Marketplace.values}

NO_SUCH_SHOP = "No shop has the slug %r."
NO_SUCH_SERVICE = "Shop %r has no %s service."


class Command(BaseCommand):
    help = "Build the JSON listings feeds and classic files of one Amazon service."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, help="The shop's slug.")
        parser.add_argument("--service", required=True, choices=sorted(SERVICES))
        parser.add_argument(
            "--all",
            action="store_true",
            dest="all_inventory",
            help="Send all online inventory, not only records set for upload.",
        )
        parser.add_argument("--out", required=True, type=Path, help="Output folder.")

    def handle(
        self, *args, shop: str, service: str, all_inventory: bool, out: Path, **options
    ) -> None:
        found = Shop.objects.filter(slug=shop).first()
        if found is None:
            raise CommandError(NO_SUCH_SHOP % shop)
        marketplace = SERVICES[service]
        chosen = Service.objects.for_shop(found).filter(marketplace=marketplace).first()
        if chosen is None:
            raise CommandError(NO_SUCH_SERVICE % (shop, service))

        build = build_feeds(chosen, all_inventory=all_inventory, out_dir=out)

        for line in build.summary_lines():
            self.stdout.write(line)
        if not build.counts:
            self.stdout.write("Nothing to send.")
        for record in build.held:
            self.stdout.write(f"Held back {record.sku}: {record.reason}")
        for batch in build.batches:
            self.stdout.write(
                f"Wrote {batch.path} ({batch.messages} messages, {batch.size} bytes)"
            )
        for file in build.files:
            self.stdout.write(f"Wrote {file.path} ({file.rows} records)")
