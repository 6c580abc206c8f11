"""import_inventory and export_inventory share the page's code."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from inventory.models import Record

FIXTURES = Path(__file__).parent / "fixtures"


def _call(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_prints_counts_and_errors_with_line_numbers(shop):
    out = _call(
        "import_inventory", "--shop", "old-books", "--format", "csv",
        str(FIXTURES / "records.csv"),
    )  # fmt: skip

    assert "6 rows read: 3 created, 0 updated, 0 unchanged, 3 with errors." in out
    assert "line 5: Price: “abc” is not a number." in out
    assert Record.objects.for_shop(shop).count() == 3


def test_a_rejected_file_fails_the_command(shop):
    with pytest.raises(CommandError, match="not an Amazon listings report"):
        _call(
            "import_inventory", "--shop", "old-books", "--format", "amazon-listings",
            str(FIXTURES / "records.csv"),
        )  # fmt: skip
    assert not Record.objects.exists()


def test_an_unknown_shop_fails_the_command(db):
    with pytest.raises(CommandError, match="No shop"):
        _call("import_inventory", "--shop", "nowhere", "--format", "csv", "x.csv")


def test_export_then_import_round_trips_through_files(shop, other_shop, tmp_path):
    _call(
        "import_inventory", "--shop", "old-books", "--format", "uiee",
        str(FIXTURES / "fillz_with_header.uiee"),
    )  # fmt: skip
    out = tmp_path / "records.uiee"

    _call(
        "export_inventory", "--shop", "old-books", "--format", "uiee", "--out", str(out)
    )
    printed = _call(
        "import_inventory", "--shop", "rival-books", "--format", "uiee", str(out)
    )

    assert "2 created" in printed
    fields = (
        "sku",
        "title",
        "author",
        "book_grade",
        "jacket_grade",
        "defects",
        "price",
    )
    ours = list(Record.objects.for_shop(shop).order_by("sku").values(*fields))
    theirs = list(Record.objects.for_shop(other_shop).order_by("sku").values(*fields))
    assert theirs == ours
    assert ours[0]["title"] == "Cien años de soledad"


def test_export_writes_csv(shop, tmp_path):
    Record.objects.create(shop=shop, sku="E-1", title="Émile")
    out = tmp_path / "records.csv"

    _call(
        "export_inventory", "--shop", "old-books", "--format", "csv", "--out", str(out)
    )

    assert (
        out.read_text(encoding="utf-8-sig").splitlines()[1].startswith("E-1,,,,Émile")
    )
