"""Fill a shop with realistic demo books, e.g. to try the pages at scale.

    python manage.py seed_demo --shop demo --books 200000

Idempotent: a second run tops the shop up to --books and adds no duplicates.
"""

import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from stdnum import ean as stdnum_ean
from stdnum import isbn as stdnum_isbn

from inventory import demo_data, services
from inventory.listing import records_mark_changed
from inventory.models import (
    Grade,
    JacketGrade,
    ListingState,
    Record,
)
from inventory.transfer.bulk import records_insert
from shops.models import Membership, Shop, User
from shops.services import shop_create

CHUNK = 5000
DEFAULT_EMAIL = "demo@shelfmark.test"
DEFAULT_PASSWORD = "shelfmark-demo"

GRADE_WEIGHTS = [
    (Grade.AS_NEW, 6),
    (Grade.FINE, 10),
    (Grade.NEAR_FINE, 14),
    (Grade.VERY_GOOD, 34),
    (Grade.GOOD, 24),
    (Grade.FAIR, 8),
    (Grade.POOR, 4),
]
STATUS_WEIGHTS = [
    (Record.Status.AVAILABLE, 86),
    (Record.Status.SOLD, 8),
    (Record.Status.ON_HOLD, 3),
    (Record.Status.WITHDRAWN, 3),
]


def _isbn13(rng: random.Random) -> str:
    prefix = "979" if rng.random() < 0.08 else "978"
    body = prefix + "".join(rng.choice("0123456789") for _ in range(9))
    return body + stdnum_ean.calc_check_digit(body)


def _asin(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "B0" + "".join(rng.choice(alphabet) for _ in range(8))


def _weighted(rng: random.Random, weights: list[tuple[str, int]]) -> str:
    values, counts = zip(*weights, strict=True)
    return rng.choices(values, counts)[0]


def _price(rng: random.Random) -> Decimal:
    dollars = rng.choice([4, 6, 8, 10, 12, 15, 18, 25, 35, 45, 60, 85, 120, 250])
    cents = rng.choice(["00", "50", "95", "99"])
    return Decimal(f"{dollars}.{cents}")


class Command(BaseCommand):
    help = "Create a demo shop, its owner login, and N realistic book records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, help="The shop's slug.")
        parser.add_argument("--books", type=int, default=200)
        parser.add_argument("--owner-email", default=DEFAULT_EMAIL)
        parser.add_argument("--password", default=DEFAULT_PASSWORD)

    def handle(self, *args, **options) -> None:
        books: int = options["books"]
        if books < 0:
            raise CommandError("--books must be zero or more.")
        started = time.monotonic()
        shop = self._shop(options["shop"], options["owner_email"], options["password"])
        existing = Record.objects.for_shop(shop).count()
        missing = books - existing
        if missing <= 0:
            self.stdout.write(f"{shop.slug} already has {existing} records.")
            return
        rng = random.Random(f"{shop.slug}:{existing}")
        skus = services.skus_next(shop=shop, count=missing)
        now = timezone.now()
        for start in range(0, missing, CHUNK):
            chunk = skus[start : start + CHUNK]
            with transaction.atomic():
                rows = [self._record(rng, sku) for sku in chunk]
                records_insert(shop=shop, rows=rows)
                # Books for sale wait for their first upload, as in a shop
                # that has just brought its inventory in.
                ids = Record.objects.for_shop(shop).filter(sku__in=chunk)
                records_mark_changed(
                    shop=shop,
                    record_ids=list(ids.values_list("pk", flat=True)),
                    now=now,
                )
            self.stdout.write(f"  {start + len(chunk)} / {missing}")
        # Fresh statistics let the query planner pick the list page's indexes.
        with connection.cursor() as cursor:
            for model in (Record, ListingState):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {missing} records to {shop.slug} ({books} in all) "
                f"in {elapsed:.1f}s."
            )
        )

    def _shop(self, slug: str, email: str, password: str) -> Shop:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password)
            self.stdout.write(f"Created the login {email} (password: {password}).")
        shop = Shop.objects.filter(slug=slug).first()
        if shop is None:
            name = slug.replace("-", " ").title()
            shop = shop_create(name=f"{name} Books", owner=user, slug=slug)
            self.stdout.write(f"Created the shop {slug}.")
        Membership.objects.get_or_create(
            shop=shop, user=user, defaults={"role": Membership.Role.OWNER}
        )
        services.inventory_settings_for(shop)
        return shop

    def _record(self, rng: random.Random, sku: str) -> dict:
        if rng.random() < 0.7:
            author, title, year = rng.choice(demo_data.WORKS)
            book_type = "Fiction"
        else:
            author = rng.choice(demo_data.AUTHORS)
            subject = rng.choice(demo_data.SUBJECTS)
            title = rng.choice(demo_data.TITLE_FORMS).format(subject)
            year = str(rng.randint(1890, 2015))
            book_type = rng.choice(demo_data.BOOK_TYPES[1:])
        publisher, place = rng.choice(demo_data.PUBLISHERS)
        binding = rng.choice(demo_data.BINDINGS)
        hardback = binding in {"Hardcover", "Cloth", "Leather"}
        grade = _weighted(rng, GRADE_WEIGHTS)
        jacket = ""
        if hardback:
            jacket = rng.choice([grade, grade, JacketGrade.GOOD, JacketGrade.NONE])
        isbn = asin = ""
        kind = rng.random()
        if kind < 0.7 and int(year) >= 1970:
            isbn = _isbn13(rng)
            if rng.random() < 0.3 and isbn.startswith("978"):
                asin = stdnum_isbn.to_isbn10(isbn)
        elif rng.random() < 0.03:
            # Older books mostly have no identifier (a new product page);
            # a few carry an Amazon code.
            asin = _asin(rng)
        status = _weighted(rng, STATUS_WEIGHTS)
        price = _price(rng)
        defects = rng.choice(demo_data.DEFECTS)
        features = rng.choice(demo_data.FEATURES)
        grade_label = Grade(grade).label
        jacket_text = (
            f" in {JacketGrade(jacket).label} dust jacket"
            if jacket and jacket != JacketGrade.NONE
            else ""
        )
        images = {}
        if rng.random() < 0.3:
            for n in range(1, rng.randint(1, 3) + 1):
                images[f"image_url_{n}"] = f"{demo_data.IMAGE_HOST}/{sku}-{n}.jpg"
        return dict(
            sku=sku,
            isbn=isbn,
            asin=asin,
            author=author,
            title=title,
            publisher=publisher,
            place=place,
            pub_date=year
            if rng.random() < 0.5
            else str(int(year) + rng.randint(0, 40)),
            edition=rng.choice(demo_data.EDITIONS),
            binding=binding,
            book_type=book_type,
            size=rng.choice(demo_data.SIZES),
            language=rng.choice(demo_data.LANGUAGES),
            book_grade=grade,
            jacket_grade=jacket,
            defects=defects,
            features=features,
            description=f"{binding}. {grade_label}{jacket_text}. {defects}".strip(),
            keywords=", ".join(rng.sample(demo_data.KEYWORD_POOL, 2)),
            location=rng.choice(demo_data.LOCATIONS),
            price=price,
            price2=(price * Decimal("0.8")).quantize(Decimal("0.01")),
            price3=price - 1 if rng.random() < 0.1 and price > 5 else None,
            cost=(price * Decimal("0.3")).quantize(Decimal("0.01")),
            quantity=0 if status == Record.Status.SOLD else rng.choice([1] * 9 + [2]),
            status=status,
            list_amazon_ca=rng.random() < 0.5,
            list_amazon_uk=rng.random() < 0.4,
            expedited_shipping=rng.random() < 0.5,
            international_shipping=rng.random() < 0.3,
            **images,
        )
