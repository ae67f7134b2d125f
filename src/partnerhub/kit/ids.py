"""Identifiers: 32 lowercase hex for domain-like ids, readable prefixed ids for transactions."""

from __future__ import annotations

import secrets
import string
import uuid

_AK_ALPHABET = string.ascii_uppercase + string.digits
_NAME_ALPHABET = string.ascii_lowercase + string.digits


def new_id() -> str:
    """A partner / customer id: 32 lowercase hex characters, like a Huawei Cloud domain id."""
    return uuid.uuid4().hex


def new_access_key() -> str:
    """A 20-character uppercase access key id (the shape Huawei Cloud AKs have)."""
    return "".join(secrets.choice(_AK_ALPHABET) for _ in range(20))


def new_secret_key() -> str:
    """A 40-character secret key."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(40))


def random_login_name() -> str:
    """A random 32-character login name that satisfies the domain-name rules (starts with a letter)."""
    return secrets.choice(string.ascii_lowercase) + "".join(secrets.choice(_NAME_ALPHABET) for _ in range(31))


def new_request_id() -> str:
    return uuid.uuid4().hex
