"""The key ring: Fernet keys for fields (newest first), an HMAC key for blind indexes.

Keys are bound to the engine's dialect, so the column types find them without an
application context and two apps in one process never share keys.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.engine import Engine

security_log = logging.getLogger("tidlig.security")


class DecryptionError(RuntimeError):
    """A stored value could not be decrypted with any configured key."""


class KeyConfigurationError(RuntimeError):
    """The configured keys are malformed."""


def parse_fernet_keys(value: str) -> list[Fernet]:
    raw = [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]
    if not raw:
        raise KeyConfigurationError("TIDLIG_DATA_KEYS holds no key")
    keys = []
    for position, key in enumerate(raw, start=1):
        try:
            keys.append(Fernet(key.encode()))
        except (ValueError, TypeError) as exc:
            raise KeyConfigurationError(
                f"TIDLIG_DATA_KEYS: key number {position} is not a valid Fernet key"
            ) from exc
    return keys


def normalise_for_index(value: str) -> str:
    """Exact-match form: Unicode NFC, case-folded, inner white space collapsed."""
    folded = unicodedata.normalize("NFC", value).casefold()
    return " ".join(folded.split())


DECRYPTED_KEPT = 20_000


class KeyRing:
    def __init__(self, data_keys: str, index_key: str, audit_key: str) -> None:
        self._fernets = parse_fernet_keys(data_keys)
        self._multi = MultiFernet(self._fernets)
        self._index_key = index_key.encode()
        self.audit_key = audit_key.encode()
        # A stored token never changes its plaintext, so a decryption can be kept. Only
        # plaintexts this process has just decrypted are kept, by the process that holds
        # the keys to decrypt every one of them anyway; lists of names (the case list, an
        # agenda) then cost one decryption per name, not one per page view.
        self._decrypt_known = functools.lru_cache(maxsize=DECRYPTED_KEPT)(self._decrypt)

    @property
    def key_count(self) -> int:
        return len(self._fernets)

    def encrypt(self, plaintext: str) -> str:
        return self._multi.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        return self._decrypt_known(token)

    def _decrypt(self, token: str) -> str:
        try:
            return self._multi.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError, ValueError) as exc:
            security_log.error("event=decryption_failed outcome=refused")
            raise DecryptionError("stored value could not be decrypted") from exc

    def is_current(self, token: str) -> bool:
        """True when the newest key alone decrypts the token."""
        try:
            self._fernets[0].decrypt(token.encode("ascii"))
        except (InvalidToken, ValueError):
            return False
        return True

    def rotate(self, token: str) -> str:
        try:
            return self._multi.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, ValueError) as exc:
            security_log.error("event=decryption_failed outcome=refused during=rotate")
            raise DecryptionError("stored value could not be decrypted") from exc

    def blind_index(self, kind: str, value: str) -> str:
        """HMAC-SHA256 under the index key; `kind` keeps indexes of different fields apart."""
        message = f"{kind}\x1f{normalise_for_index(value)}".encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()


def attach_keyring(engine: Engine, keyring: KeyRing) -> None:
    engine.dialect.tidlig_keyring = keyring  # type: ignore[attr-defined]


def keyring_for(dialect: object) -> KeyRing:
    keyring = getattr(dialect, "tidlig_keyring", None)
    if keyring is None:
        raise KeyConfigurationError("no key ring is attached to this database engine")
    return keyring
