import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from inventory.identifiers import (
    ASIN_FORMAT,
    ISBN_CHECK_DIGIT,
    ISBN_LENGTH,
    ISBN_PREFIX,
    isbn10,
    normalize_asin,
    normalize_isbn,
)


def test_an_isbn_10_is_stored_as_its_isbn_13():
    assert normalize_isbn("0-306-40615-2") == "9780306406157"


def test_an_isbn_13_with_hyphens_and_spaces_is_compacted():
    assert normalize_isbn(" 978-0-306 40615-7 ") == "9780306406157"


def test_a_979_isbn_stays_thirteen_digits_and_has_no_isbn_10():
    assert normalize_isbn("979-10-90636-07-1") == "9791090636071"
    assert isbn10("9791090636071") is None


def test_an_isbn_10_ending_in_x_is_accepted():
    assert normalize_isbn("080442957X") == "9780804429573"
    assert isbn10("9780804429573") == "080442957X"


def test_a_blank_isbn_is_blank():
    assert normalize_isbn("  ") == ""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0306406153", ISBN_CHECK_DIGIT),
        ("9780306406158", ISBN_CHECK_DIGIT),
        ("12345", ISBN_LENGTH),
        ("97803064061", ISBN_LENGTH),
        ("9770306406157", ISBN_PREFIX),
        ("hobbit", ISBN_LENGTH),
    ],
)
def test_it_rejects_a_bad_isbn_with_a_clear_message(value, message):
    with pytest.raises(ValidationError) as raised:
        normalize_isbn(value)
    assert raised.value.messages == [message]


def _isbn10_check(digits: str) -> str:
    total = sum((10 - i) * int(d) for i, d in enumerate(digits))
    return "0123456789X"[(11 - total % 11) % 11]


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_isbn_10_round_trips_through_its_isbn_13(digits):
    number = digits + _isbn10_check(digits)
    isbn13 = normalize_isbn(number)
    assert isbn13.startswith("978")
    assert isbn10(isbn13) == number


def test_an_asin_is_upper_cased():
    assert normalize_asin("b00abcdefg") == "B00ABCDEFG"


def test_a_book_asin_is_its_isbn_10():
    assert normalize_asin("0306406152") == "0306406152"


@pytest.mark.parametrize("value", ["B1ABCDEFGH", "B00ABC", "hello world", "A00ABCDEFG"])
def test_it_rejects_a_malformed_asin(value):
    with pytest.raises(ValidationError) as raised:
        normalize_asin(value)
    assert raised.value.messages == [ASIN_FORMAT]


def test_it_rejects_an_isbn_asin_with_a_wrong_check_digit():
    with pytest.raises(ValidationError) as raised:
        normalize_asin("0306406153")
    assert raised.value.messages == [ISBN_CHECK_DIGIT]
