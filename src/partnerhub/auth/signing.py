"""``SDK-HMAC-SHA256`` request signatures, exactly as the Huawei Cloud SDK computes them (SPEC §C.1).

Pure functions, no I/O: the caller supplies the secret-key lookup and the current time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, unquote

from partnerhub.errors import AuthenticationFailed

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"


@dataclass(frozen=True)
class AuthorizationHeader:
    access_key: str
    signed_headers: tuple[str, ...]
    signature: str


def _encode(text: str) -> str:
    return quote(text, safe="~")


def canonical_uri(path: str) -> str:
    """Each segment RFC 3986-encoded, always ending in ``/``."""
    encoded = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    return encoded if encoded.endswith("/") else encoded + "/"


def canonical_query(raw_query: str) -> str:
    pairs = sorted(parse_qsl(raw_query, keep_blank_values=True))
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in pairs)


def parse_authorization(value: str) -> AuthorizationHeader:
    prefix = ALGORITHM + " "
    if not value.startswith(prefix):
        raise AuthenticationFailed("unsupported authorization scheme")
    fields: dict[str, str] = {}
    for part in value[len(prefix) :].split(","):
        key, sep, item = part.strip().partition("=")
        if not sep:
            raise AuthenticationFailed("malformed authorization header")
        fields[key] = item
    try:
        signed = tuple(fields["SignedHeaders"].split(";"))
        header = AuthorizationHeader(fields["Access"], signed, fields["Signature"])
    except KeyError as exc:
        raise AuthenticationFailed("authorization header lacks a field") from exc
    if not header.access_key or not header.signature or not all(signed):
        raise AuthenticationFailed("authorization header has an empty field")
    return header


def string_to_sign(
    *,
    method: str,
    path: str,
    raw_query: str,
    headers: Mapping[str, str],
    signed_headers: tuple[str, ...],
    payload_hash: str,
    sdk_date: str,
) -> str:
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    canonical_headers = "".join(f"{name}:{lowered.get(name, '')}\n" for name in signed_headers)
    canonical_request = "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(raw_query),
            canonical_headers,
            ";".join(signed_headers),
            payload_hash,
        ]
    )
    digest = hashlib.sha256(canonical_request.encode()).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{digest}"


def _payload_hash(lowered: Mapping[str, str], signed_headers: tuple[str, ...], body: bytes) -> str:
    """The body hash of the canonical request: always the hash of the bytes received.

    The SDK hashes every JSON body and sends ``X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`` only for other media
    types. partnerhub's API takes nothing but JSON and moves money, so a payload the signature does not
    cover is refused: ``UNSIGNED-PAYLOAD`` is accepted only with an empty body (nothing to swap), and a
    client-supplied hex hash only when that header is itself signed and equals the real hash.
    """
    actual = hashlib.sha256(body).hexdigest()
    claimed = lowered.get("x-sdk-content-sha256")
    if claimed is None:
        return actual
    claimed = claimed.strip()
    if claimed == UNSIGNED_PAYLOAD:
        if body:
            raise AuthenticationFailed("unsigned payload with a body")
        return UNSIGNED_PAYLOAD
    if "x-sdk-content-sha256" not in signed_headers:
        raise AuthenticationFailed("x-sdk-content-sha256 is not signed")
    if not hmac.compare_digest(claimed.lower(), actual):
        raise AuthenticationFailed("x-sdk-content-sha256 does not match the body")
    return actual


def sign(secret_key: str, text: str) -> str:
    return hmac.new(secret_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def verify_request(
    *,
    method: str,
    path: str,
    raw_query: str,
    headers: Mapping[str, str],
    body: bytes,
    secret_for: Callable[[str], str | None],
    now: datetime,
    max_skew: timedelta,
) -> str:
    """Check the signature of one request and return its access key, or raise AuthenticationFailed."""
    lowered = {name.lower(): value for name, value in headers.items()}
    header = parse_authorization(lowered.get("authorization", ""))
    if "x-sdk-date" not in header.signed_headers:
        raise AuthenticationFailed("x-sdk-date is not signed")
    if any(name != name.lower() or name not in lowered for name in header.signed_headers):
        raise AuthenticationFailed("a signed header is missing")
    sdk_date = lowered["x-sdk-date"].strip()
    try:
        signed_at = datetime.strptime(sdk_date, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError as exc:
        raise AuthenticationFailed("malformed x-sdk-date") from exc
    if abs(now - signed_at) > max_skew:
        raise AuthenticationFailed("x-sdk-date outside the allowed window")
    payload_hash = _payload_hash(lowered, header.signed_headers, body)
    secret = secret_for(header.access_key)
    # Compute a signature even for an unknown key, so both paths take the same time.
    text = string_to_sign(
        method=method,
        path=path,
        raw_query=raw_query,
        headers=headers,
        signed_headers=header.signed_headers,
        payload_hash=payload_hash,
        sdk_date=sdk_date,
    )
    expected = sign(secret if secret is not None else "unknown-access-key", text)
    if not hmac.compare_digest(expected, header.signature.lower()) or secret is None:
        raise AuthenticationFailed("signature mismatch" if secret is not None else "unknown access key")
    return header.access_key
