"""Identifiers: ISBN and GTIN check digits, ASINs, and generated ids."""

import hashlib
import re
import secrets
import string


def is_valid_isbn10(value: str) -> bool:
    if not re.fullmatch(r"[0-9]{9}[0-9X]", value):
        return False
    digits = [10 if char == "X" else int(char) for char in value]
    return sum((10 - index) * digit for index, digit in enumerate(digits)) % 11 == 0


def is_valid_gtin(value: str) -> bool:
    """Check a UPC-A, EAN-13 or ISBN-13 (all GTINs) by its check digit."""
    if not re.fullmatch(r"[0-9]{12,14}", value):
        return False
    body, check = value[:-1], int(value[-1])
    total = sum(
        int(digit) * (3 if index % 2 == 0 else 1)
        for index, digit in enumerate(reversed(body))
    )
    return (10 - total % 10) % 10 == check


def normalize_product_id(value: str) -> str:
    return value.replace("-", "").replace(" ", "").upper()


def is_valid_isbn(value: str) -> bool:
    value = normalize_product_id(value)
    if len(value) == 10:
        return is_valid_isbn10(value)
    return len(value) == 13 and value[:3] in ("978", "979") and is_valid_gtin(value)


def isbn13_to_isbn10(value: str) -> str | None:
    if not value.startswith("978"):
        return None
    body = value[3:12]
    total = sum((10 - index) * int(digit) for index, digit in enumerate(body))
    check = (11 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


def asin_for_product_id(value: str) -> str:
    """The ASIN of the catalog item a product id matches.

    Book ASINs are their ISBN-10s; anything else gets a stable B0 ASIN
    derived from the identifier.
    """
    value = normalize_product_id(value)
    if len(value) == 10 and is_valid_isbn10(value):
        return value
    if len(value) == 13 and (isbn10 := isbn13_to_isbn10(value)):
        return isbn10
    return "B0" + derived_code(value, 8)


def derived_code(seed: str, length: int) -> str:
    """A stable string of upper-case letters and digits derived from seed."""
    alphabet = string.digits + string.ascii_uppercase
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def random_code(length: int) -> str:
    alphabet = string.digits + string.ascii_uppercase
    return "".join(secrets.choice(alphabet) for _ in range(length))


def random_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(48)
