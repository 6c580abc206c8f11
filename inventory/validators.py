"""Field rules for book records, shared by the form, services and imports."""

import re

from django.core.exceptions import ValidationError

SKU_MAX_LENGTH = 40
SKU_TOO_LONG = "A record number has at most 40 characters."
SKU_CHARACTERS = (
    "A record number uses letters, digits and - _ . / only, with no spaces."
)

_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]*$")


def validate_sku(value: str) -> None:
    """Record numbers are what Amazon calls the seller SKU: keep them plain."""
    if len(value) > SKU_MAX_LENGTH:
        raise ValidationError(SKU_TOO_LONG, code="sku_length")
    if not _SKU.match(value):
        raise ValidationError(SKU_CHARACTERS, code="sku_characters")
