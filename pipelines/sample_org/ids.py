"""Salesforce record Ids: 15 case-sensitive characters plus the 3-character case-safe suffix."""

from __future__ import annotations

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def checksum(id15: str) -> str:
    """Salesforce's suffix: for each 5-character chunk, a bit per uppercase letter."""
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, ch in enumerate(id15[start:start + 5]) if "A" <= ch <= "Z")
        suffix += _SUFFIX[bits]
    return suffix


def make_id(key_prefix: str, n: int) -> str:
    """The n-th record of an object: its key prefix, a pod-like `0` and n in base 62."""
    if len(key_prefix) != 3 or n < 0:
        raise ValueError(f"bad key prefix {key_prefix!r} or number {n}")
    body = ""
    while True:
        n, digit = divmod(n, 62)
        body = _BASE62[digit] + body
        if n == 0:
            break
    id15 = key_prefix + "5g" + body.rjust(10, "0")
    return id15 + checksum(id15)
