"""The readers and value rules, file by file, without the database."""

import io
from decimal import Decimal
from pathlib import Path

import pytest

from inventory.transfer import columns
from inventory.transfer.columns import RowError, row_clean
from inventory.transfer.importers import (
    AmazonListingsReader,
    CsvReader,
    UieeReader,
    condition_split,
)
from inventory.transfer.reading import FileRejected, inspect, open_text

FIXTURES = Path(__file__).parent / "fixtures"


def _text(data: bytes, *, newline: str | None = None):
    stream = io.BytesIO(data)
    return open_text(stream, inspect(stream, format_label="CSV"), newline=newline)


def _rows(reader) -> list:
    return list(reader)


def _csv(data: bytes) -> list:
    return _rows(CsvReader(_text(data, newline="")))


def _uiee(data: bytes) -> list:
    return _rows(UieeReader(_text(data)))


def _amazon(data: bytes) -> list:
    return _rows(AmazonListingsReader(_text(data)))


# Reading bytes --------------------------------------------------------------


def test_it_refuses_an_empty_file():
    with pytest.raises(FileRejected, match="empty"):
        inspect(io.BytesIO(b""), format_label="CSV")
    with pytest.raises(FileRejected, match="empty"):
        inspect(io.BytesIO(b"\xef\xbb\xbf \r\n\r\n"), format_label="CSV")


def test_it_names_an_image_uploaded_as_text():
    data = (FIXTURES / "cover.png").read_bytes()
    with pytest.raises(FileRejected, match="PNG image"):
        inspect(io.BytesIO(data), format_label="CSV")


def test_it_refuses_binary_junk():
    junk = bytes(range(256)) * 40
    with pytest.raises(FileRejected, match="binary data"):
        inspect(io.BytesIO(junk), format_label="UIEE")


def test_it_reads_windows_1252_when_the_file_is_not_utf8():
    inspection = inspect(
        io.BytesIO("Record number\nÉté\n".encode("cp1252")), format_label="CSV"
    )
    assert inspection.encoding == "cp1252"
    assert inspect(io.BytesIO("Été".encode()), format_label="CSV").encoding == "utf-8"


def test_it_refuses_bytes_that_are_neither_utf8_nor_windows_1252():
    data = b"Record number,Title\nA-1,ok\nA-2,bad \x81 byte\n"
    with pytest.raises(FileRejected, match="Line 3 .*0x81"):
        inspect(io.BytesIO(data), format_label="CSV")


def test_it_reads_utf16_with_a_byte_order_mark():
    data = "Record number\tTitle\r\nA-1\tÉté\r\n".encode("utf-16")
    assert _csv(data) == [(2, {"sku": "A-1", "title": "Été"})]


# CSV ------------------------------------------------------------------------


def test_csv_headers_match_by_name_whatever_their_case_and_spacing():
    data = (
        b"  record_NUMBER ,TITLE,Dust-Jacket,  Price  2,sku2\r\nA-1,Walden,VG,5,x\r\n"
    )
    reader = CsvReader(_text(data, newline=""))
    assert list(reader) == [
        (2, {"sku": "A-1", "title": "Walden", "jacket_grade": "VG", "price2": "5"})
    ]
    assert reader.ignored == ["sku2"]


def test_csv_accepts_common_aliases():
    data = b"SKU;Jacket;DJ Grade\nA-1;G;G\n"
    with pytest.raises(FileRejected, match="both mean Jacket"):
        CsvReader(_text(data, newline=""))
    data = b"SKU;DJ;Condition;Qty;Year\nA-1;G;VG;2;1901\n"
    assert _csv(data) == [
        (
            2,
            {
                "sku": "A-1",
                "jacket_grade": "G",
                "book_grade": "VG",
                "quantity": "2",
                "pub_date": "1901",
            },
        )
    ]


def test_csv_needs_a_record_number_column():
    with pytest.raises(FileRejected, match="record number"):
        CsvReader(_text(b"Title,Author\nWalden,Thoreau\n", newline=""))


def test_csv_refuses_a_uiee_file_and_says_so():
    data = (FIXTURES / "booktrakker.uiee").read_bytes()
    with pytest.raises(FileRejected, match="UIEE"):
        CsvReader(_text(data, newline=""))


def test_csv_rows_keep_their_line_numbers_across_quoted_line_breaks():
    data = b'SKU,Description\nA-1,"two\nlines"\nA-2,one\n,\nA-3,x,extra\n'
    rows = _csv(data)
    assert rows[0] == (2, {"sku": "A-1", "description": "two\nlines"})
    assert rows[1] == (4, {"sku": "A-2", "description": "one"})
    line, error = rows[2]
    assert line == 6 and isinstance(error, RowError)
    assert "3 values" in str(error)


def test_csv_reports_a_huge_field_as_that_rows_error():
    data = b"SKU,Description\nA-1," + b"x" * 200_000 + b"\nA-2,fine\n"
    rows = _csv(data)
    assert rows[0][0] == 2 and isinstance(rows[0][1], RowError)
    assert rows[-1] == (3, {"sku": "A-2", "description": "fine"})


def test_csv_removes_the_apostrophe_that_guards_a_formula():
    data = b"SKU,Title\nA-1,'=SUM(A1)\nA-2,'twas\n"
    assert [row for _, row in _csv(data)] == [
        {"sku": "A-1", "title": "=SUM(A1)"},
        {"sku": "A-2", "title": "'twas"},
    ]


# UIEE -----------------------------------------------------------------------


def test_uiee_without_a_header_joins_categories_and_reads_the_condition():
    rows = _uiee((FIXTURES / "booktrakker.uiee").read_bytes())
    assert [line for line, _ in rows] == [1, 18, 27]
    first = rows[0][1]
    assert first["sku"] == "BT-1"
    assert first["book_type"] == "Fiction, Classics"
    assert first["book_grade"] == "Very Good"
    assert first["defects"] == "Spine sunned, small tear to rear panel"
    assert first["jacket_grade"] == "Good"
    assert first["status"] == "available"
    assert rows[1][1]["jacket_grade"] == "None"  # written as DJ|None
    assert "status" not in rows[1][1]
    assert rows[2][1]["status"] == "sold"  # XB|5


def test_uiee_with_a_fillz_header_skips_it():
    rows = _uiee((FIXTURES / "fillz_with_header.uiee").read_bytes())
    assert [(line, row["sku"]) for line, row in rows] == [(6, "FZ-1"), (15, "FZ-2")]
    first = rows[0][1]
    assert first["title"] == "Cien años de soledad"
    assert (first["book_grade"], first["jacket_grade"], first["defects"]) == (
        "VG",
        "VG",
        "price-clipped",
    )
    assert first["image_url_1"] == "https://images.example.com/fz-1.jpg"


def test_uiee_blanks_what_a_record_leaves_out():
    rows = _uiee(b"UR|A-1\nTI|Walden\n")
    assert rows[0][1]["price"] == ""
    assert rows[0][1]["author"] == ""


def test_uiee_reads_continued_lines_and_a_missing_blank_line():
    data = b"UR|A-1\nNT|first\n second\n \n\tthird\nUR|A-2\nTI|x\n"
    rows = _uiee(data)
    assert rows[0][1]["description"] == "first\nsecond\n\n\tthird"
    assert rows[1] == (6, rows[1][1])
    assert rows[1][1]["sku"] == "A-2"


def test_uiee_reports_a_stray_line_in_its_record():
    rows = _uiee(b"UR|A-1\nTI|x\n\nnot a field\nUR|A-2\n\nUR|A-3\n")
    line, error = rows[1]
    assert line == 4 and "Line 4 is not a UIEE field" in str(error)
    assert rows[2][1]["sku"] == "A-3"


def test_uiee_refuses_a_csv_file():
    with pytest.raises(FileRejected, match="No UIEE records"):
        UieeReader(_text((FIXTURES / "records.csv").read_bytes()))


def test_condition_split_reads_grades_only_at_the_start():
    assert condition_split("Very Good. Foxed") == ("Very Good", "", "Foxed")
    assert condition_split("VG/--") == ("VG", "--", "")
    assert condition_split("Good copy, clean") == ("", "", "Good copy, clean")


# Amazon listings reports -----------------------------------------------------


def test_all_listings_report_maps_amazons_columns():
    rows = _amazon((FIXTURES / "amazon_all_listings.txt").read_bytes())
    line, first = rows[0]
    assert line == 2
    assert first == {
        "title": "The Old Man and the Sea",
        "description": "",
        "sku": "AMZ-1",
        "price": "24.99",
        "quantity": "1",
        "image_url_1": "",
        "item_note": "Very good copy, light wear to the jacket.",
        "condition": "2",
        "asin": "0684801221",
    }
    assert rows[1][1]["isbn"] == "9781400033416"  # product-id-type 2 is an ISBN


def test_active_listings_report_in_windows_1252():
    rows = _amazon((FIXTURES / "amazon_active_listings_cp1252.txt").read_bytes())
    assert rows[0][1]["title"] == "L'Étranger"
    assert rows[0][1]["item_note"] == "Couverture défraîchie – bon état."


def test_amazon_reader_refuses_a_uiee_file_and_says_so():
    with pytest.raises(FileRejected, match="looks like a UIEE file"):
        AmazonListingsReader(_text((FIXTURES / "booktrakker.uiee").read_bytes()))
    with pytest.raises(FileRejected, match="not an Amazon listings report"):
        AmazonListingsReader(_text((FIXTURES / "records.csv").read_bytes()))


# Values ---------------------------------------------------------------------


def test_row_clean_reads_trade_words():
    values = row_clean(
        {
            "sku": " A-1 ",
            "isbn": "0-261-10221-4",
            "book_grade": "VG+",
            "jacket_grade": "--",
            "price": "$1,234.50",
            "price2": "3,50",
            "quantity": "",
            "status": "S",
            "condition": "Collectible - Very Good",
            "list_amazon_uk": "no",
        }
    )
    assert values == {
        "sku": "A-1",
        "isbn": "9780261102217",
        "book_grade": "very_good",
        "jacket_grade": "none",
        "price": Decimal("1234.50"),
        "price2": Decimal("3.50"),
        "quantity": 1,
        "status": "sold",
        "condition": "collectible_very_good",
        "list_amazon_uk": False,
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"sku": ""}, "record number is missing"),
        ({"sku": "A" * 41}, "longer than 40 characters"),
        ({"sku": "A 1"}, "no spaces"),
        ({"sku": "A-1", "title": "bad\x00title"}, "NUL"),
        ({"sku": "A-1", "price": "-1"}, "below zero"),
        ({"sku": "A-1", "price": "1.005"}, "two decimal places"),
        ({"sku": "A-1", "price": "NaN"}, "not a number"),
        ({"sku": "A-1", "quantity": "1.5"}, "whole number"),
        ({"sku": "A-1", "book_grade": "Splendid"}, "Book grade"),
        ({"sku": "A-1", "image_url_1": "javascript:alert(1)"}, "web address"),
        ({"sku": "A-1", "title": "x" * 501}, "longer than 500"),
        ({"sku": "A-1", "description": "x" * 20_001}, "longer than 20000"),
        ({"sku": "A-1", "list_amazon_us": "perhaps"}, "neither yes nor no"),
    ],
)
def test_row_clean_refuses_values_a_record_cannot_hold(raw, message):
    with pytest.raises(RowError, match=message):
        row_clean(raw)


def test_every_column_has_a_header_that_reads_back_as_itself():
    index = columns.header_index()
    assert all(
        columns.header_field(column.header, index) == column.field
        for column in columns.COLUMNS
    )
