"""The idempotency key a connector's write takes: what a retried write is recognised by, so it must
not be blank."""

from __future__ import annotations

from .errors import InvalidQueryError


def checked_key(idempotency_key: str, *, system: str) -> str:
    """The key without surrounding white space.

    Raises:
        InvalidQueryError: the key is empty or only white space.
    """
    key = idempotency_key.strip()
    if not key:
        raise InvalidQueryError("idempotency_key must not be empty", system=system)
    return key


__all__ = ["checked_key"]
