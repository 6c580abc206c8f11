"""Book identifiers: ISBN-10/13 and Amazon's ASIN, checked and normalised.

ISBNs are stored as ISBN-13 (a 978 book also has an ISBN-10, shown beside
it); check digits are verified with python-stdnum.
"""

import re

from django.core.exceptions import ValidationError
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

ISBN_LENGTH = "An ISBN has 10 or 13 digits (the last of an ISBN-10 may be X)."
ISBN_CHECK_DIGIT = "This ISBN's check digit is wrong: look for a mistyped digit."
ISBN_PREFIX = "An ISBN-13 starts with 978 or 979."
ASIN_FORMAT = (
    "An ASIN has 10 characters: B0 and eight letters or digits, or a book's ISBN-10."
)

_SEPARATORS = re.compile(r"[\s\-‐‑–—.]")
_ASIN_B0 = re.compile(r"^B0[0-9A-Z]{8}$")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", str(value or "")).upper()


def normalize_isbn(value: str) -> str:
    """Return the ISBN-13 of an ISBN-10 or ISBN-13; "" for a blank value.

    Hyphens and spaces are ignored. Raises ``ValidationError`` if the length,
    prefix or check digit is wrong.
    """
    compact = _compact(value)
    if not compact:
        return ""
    if compact.startswith("ISBN"):
        compact = compact.removeprefix("ISBN").lstrip(":")
    if len(compact) not in (10, 13) or not compact[:-1].isdigit():
        raise ValidationError(ISBN_LENGTH, code="isbn_length")
    if len(compact) == 13 and compact[:3] not in ("978", "979"):
        raise ValidationError(ISBN_PREFIX, code="isbn_prefix")
    try:
        stdnum_isbn.validate(compact)
    except InvalidChecksum:
        raise ValidationError(ISBN_CHECK_DIGIT, code="isbn_check_digit") from None
    except StdnumError:
        raise ValidationError(ISBN_LENGTH, code="isbn_length") from None
    return stdnum_isbn.to_isbn13(compact)


def isbn10(isbn13: str) -> str | None:
    """The ISBN-10 of a 978 ISBN-13, or None (979 books have no ISBN-10)."""
    compact = _compact(isbn13)
    if len(compact) == 10:
        return compact if stdnum_isbn.is_valid(compact) else None
    if len(compact) != 13 or not compact.startswith("978"):
        return None
    if not stdnum_isbn.is_valid(compact):
        return None
    return stdnum_isbn.to_isbn10(compact)


def normalize_asin(value: str) -> str:
    """Return an upper-case ASIN; "" for a blank value.

    Accepts B0 followed by eight letters or digits, or a valid ISBN-10 (the
    ASIN of a book with an ISBN-10 is that ISBN). Raises ``ValidationError``.
    """
    compact = _compact(value)
    if not compact:
        return ""
    if _ASIN_B0.match(compact):
        return compact
    if len(compact) == 10 and compact[:9].isdigit():
        if stdnum_isbn.is_valid(compact):
            return compact
        raise ValidationError(ISBN_CHECK_DIGIT, code="asin_check_digit")
    raise ValidationError(ASIN_FORMAT, code="asin_format")
