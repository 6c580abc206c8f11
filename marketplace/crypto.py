"""Encryption at rest for the secrets Amazon gives a shop (refresh tokens).

The key is ``settings.FIELD_ENCRYPTION_KEY``: one Fernet key, or several
separated by commas to rotate (the first encrypts, all decrypt). Without it,
keys are derived with HKDF from ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS``,
so rotating the secret key the Django way keeps stored tokens readable.
"""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

HKDF_SALT = b"shelfmark.marketplace.crypto"
HKDF_INFO = b"marketplace token encryption"


class DecryptionFailed(Exception):
    """The ciphertext was altered, or written with a key we no longer have."""


def derive_key(secret: str) -> bytes:
    """A Fernet key derived from a Django secret key."""
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO
    ).derive(secret.encode())
    return base64.urlsafe_b64encode(raw)


def configured_keys() -> tuple[bytes, ...]:
    explicit = [
        key.strip() for key in settings.FIELD_ENCRYPTION_KEY.split(",") if key.strip()
    ]
    if explicit:
        return tuple(key.encode() for key in explicit)
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return tuple(derive_key(secret) for secret in secrets)


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(plaintext: str) -> str:
    return _fernet(configured_keys()).encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _fernet(configured_keys()).decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed("The stored secret cannot be decrypted.") from None
