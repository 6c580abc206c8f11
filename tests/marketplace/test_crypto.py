import pytest
from cryptography.fernet import Fernet

from marketplace import crypto

TOKEN = "Atzr|IwEBIExampleRefreshToken"


def test_a_secret_comes_back_as_it_went_in():
    stored = crypto.encrypt(TOKEN)

    assert TOKEN not in stored
    assert crypto.decrypt(stored) == TOKEN


def test_without_a_key_it_derives_one_from_the_secret_key(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    stored = crypto.encrypt(TOKEN)
    settings.SECRET_KEY = "another-secret-key-entirely-for-this-test-0123456789"

    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(stored)


def test_an_old_secret_key_still_reads_what_it_wrote(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    old_secret = settings.SECRET_KEY
    stored = crypto.encrypt(TOKEN)

    settings.SECRET_KEY = "the-new-secret-key-after-rotation-0123456789-abcdefgh"
    settings.SECRET_KEY_FALLBACKS = [old_secret]

    assert crypto.decrypt(stored) == TOKEN


def test_a_configured_key_is_used_and_can_be_rotated(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old_key
    stored = crypto.encrypt(TOKEN)

    settings.FIELD_ENCRYPTION_KEY = f"{new_key},{old_key}"

    assert Fernet(old_key.encode()).decrypt(stored.encode()).decode() == TOKEN
    assert crypto.decrypt(stored) == TOKEN
    assert Fernet(new_key.encode()).decrypt(crypto.encrypt(TOKEN).encode())


def test_an_altered_secret_is_refused():
    stored = crypto.encrypt(TOKEN)
    altered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")

    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(altered)
