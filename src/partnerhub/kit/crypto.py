"""Server-side secrets: the master key, encryption of secret keys, keyed hashes of tokens and codes.

The master key is a Fernet key. Encryption (``seal``/``open_sealed``) protects values the server must read
back (API secret keys); keyed hashes (``keyed_hash``) protect values it only compares (tokens, codes).
Each use derives its own subkey from the master key, so one leaked hash key reveals nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from partnerhub.kit.files import private_dir


class MasterKey:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)
        self._raw = key

    @classmethod
    def generate(cls) -> MasterKey:
        return cls(Fernet.generate_key())

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open_sealed(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:  # a different master key or a tampered row
            raise ValueError("sealed value cannot be opened with this master key") from exc

    def subkey(self, purpose: str) -> bytes:
        return hmac.new(self._raw, purpose.encode(), hashlib.sha256).digest()

    def keyed_hash(self, purpose: str, value: str) -> str:
        return hmac.new(self.subkey(purpose), value.encode(), hashlib.sha256).hexdigest()


def load_or_create_master_key(configured: str | None, data_dir: Path) -> MasterKey:
    """Use the configured key, else ``<data_dir>/master.key``, creating it with mode 0600 on first start."""
    if configured:
        return MasterKey(configured.encode())
    path = data_dir / "master.key"
    if path.exists():
        return MasterKey(path.read_bytes().strip())
    private_dir(data_dir)
    key = Fernet.generate_key()
    # O_EXCL: two workers starting together must not both write a key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return MasterKey(path.read_bytes().strip())
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return MasterKey(key)


def random_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)
