"""Encryption of taxpayer ids and account numbers, with keys from the environment.

``settings.FIELD_ENCRYPTION_KEYS`` is a list of Fernet keys, newest first: values are written
under the newest and read under any of them, so a new key can be put in front, every row
re-encrypted (``manage.py rotate_encryption_keys``), and only then the old key removed.

Duplicates are found without decrypting through a keyed hash (HMAC-SHA256) whose key is derived
with HKDF from each encryption key. Rows are hashed under the newest key; lookups try every key,
so rows not yet rotated are still found.
"""

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

_HASH_INFO = b"micro-internships portal: blind index v1"

# Fernet tokens are URL-safe base64 of a version byte 0x80 and a timestamp: always this prefix.
TOKEN_PREFIX = "gAAAAA"


class UndecryptableValue(Exception):  # noqa: N818 - the name says what went wrong
    """A stored value that none of the configured keys can decrypt (wrong key, or tampered)."""


def _keys():
    keys = [k.strip() for k in getattr(settings, "FIELD_ENCRYPTION_KEYS", []) if k and k.strip()]
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must hold at least one Fernet key.")
    return keys


_cache: dict = {}


def _fernets():
    keys = tuple(_keys())
    cached = _cache.get(keys)
    if cached is None:
        try:
            cached = [Fernet(k) for k in keys]
        except ValueError as exc:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key.") from exc
        _cache.clear()
        _cache[keys] = cached
    return cached


def multifernet():
    return MultiFernet(_fernets())


@sensitive_variables()
def encrypt(value: str) -> str:
    return multifernet().encrypt(value.encode()).decode()


@sensitive_variables()
def decrypt(token: str) -> str:
    try:
        return multifernet().decrypt(token.encode()).decode()
    except (InvalidToken, TypeError, ValueError) as exc:
        # Never hand back the ciphertext as if it were data, and never put it in the message.
        raise UndecryptableValue("A stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS.") from exc


def is_current(token: str) -> bool:
    """True when the newest key alone decrypts the token (the row needs no rotation)."""
    try:
        _fernets()[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _hash_key(fernet_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HASH_INFO).derive(fernet_key.encode())


@sensitive_variables()
def blind_index(value: str, *, key: str | None = None) -> str:
    """The keyed hash of ``value`` under the newest key (or ``key``), as hex."""
    return hmac.new(_hash_key(key or _keys()[0]), value.encode(), hashlib.sha256).hexdigest()


@sensitive_variables()
def blind_index_candidates(value: str) -> list[str]:
    """The hash of ``value`` under every configured key, for lookups during a rotation."""
    return [blind_index(value, key=k) for k in _keys()]
