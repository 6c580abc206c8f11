from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from inventory.listing import records_mark_changed
from inventory.models import Record
from marketplace.models import Service


def run(*args):
    out = StringIO()
    call_command("build_feeds", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def records(shop):
    Service.objects.create(shop=shop, marketplace="amazon_uk")
    made = [
        Record.objects.create(
            shop=shop, sku="1", isbn="9780261102217", price=Decimal("8.00")
        ),
        Record.objects.create(shop=shop, sku="2", asin="B000TEST01", price=None),
        Record.objects.create(
            shop=shop,
            sku="3",
            title="Stray Leaves",
            author="Anon",
            publisher="Privately printed",
            binding="Wrappers",
            price=Decimal("30.00"),
        ),
    ]
    records_mark_changed(shop=shop, record_ids=[r.pk for r in made])
    return made


def test_it_writes_the_feeds_and_prints_the_counts(records, tmp_path):
    output = run("--shop", "old-books", "--service", "amazon-uk", "--out", tmp_path)
    assert "Inventory Loader: 1 record → 1 new, 0 modified" in output
    assert "Book Loader: 1 record → 1 new, 0 modified" in output
    assert "Held back 2: The record has no Retail price" in output
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "AmazonListingsUK_1.json",
        "AmazonListingsUK_1.messages.tsv",
        "AmazonUploadBLUK_1.txt",
        "AmazonUploadUK_1.txt",
    ]


def test_all_online_inventory_goes_out_with_all(records, tmp_path):
    for record in records:
        record.price = Decimal("5.00")
        record.save()
    output = run(
        "--shop", "old-books", "--service", "amazon-uk", "--all", "--out", tmp_path
    )
    assert "Inventory Loader: 2 records → 2 new, 0 modified" in output
    assert "Held back" not in output


def test_it_says_when_there_is_nothing_to_send(shop, tmp_path):
    Service.objects.create(shop=shop, marketplace="amazon_us")
    output = run("--shop", "old-books", "--service", "amazon-us", "--out", tmp_path)
    assert output == "Nothing to send.\n"


def test_it_refuses_an_unknown_shop_or_service(shop, tmp_path):
    with pytest.raises(CommandError, match="No shop has the slug 'nowhere'"):
        run("--shop", "nowhere", "--service", "amazon-us", "--out", tmp_path)
    with pytest.raises(CommandError, match="has no amazon-ca service"):
        run("--shop", "old-books", "--service", "amazon-ca", "--out", tmp_path)
