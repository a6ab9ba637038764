"""Field encryption at rest, key ring and keyed blind indexes."""

from app.crypto.keyring import DecryptionError, KeyRing, attach_keyring, keyring_for
from app.crypto.types import EncryptedDate, EncryptedText

__all__ = [
    "DecryptionError",
    "EncryptedDate",
    "EncryptedText",
    "KeyRing",
    "attach_keyring",
    "keyring_for",
]
