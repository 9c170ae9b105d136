"""Vectorized identifiers: citizen IDs (GB 11643), organization codes (GB 11714), credit codes (GB 32100).

The same arithmetic as :mod:`laobao.core.identifiers`, over NumPy arrays of character values so a
million check characters take milliseconds; the tests cross-check every result against the scalar
functions there.
"""

from __future__ import annotations

import numpy as np

from laobao.core.identifiers import CREDIT_CHARSET

_CITIZEN_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_CITIZEN_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CREDIT_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_CREDIT_ASCII = np.frombuffer(CREDIT_CHARSET.encode(), dtype=np.uint8)
#: Characters that may appear in a generated organization-code body: GB 32100's set, so the code
#: can sit inside a credit code.
ORG_BODY_CHARS = CREDIT_CHARSET


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers → (n, width) array of their decimal digits, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values.astype(np.int64)[:, None] // powers) % 10


def to_strings(ascii_codes: np.ndarray) -> list[str]:
    """(n, w) array of ASCII codes → list of n Python strings."""
    rows = np.ascontiguousarray(ascii_codes, dtype=np.uint8)
    return rows.view(f"S{rows.shape[1]}").ravel().astype(f"U{rows.shape[1]}").tolist()


def citizen_ids(first17: np.ndarray) -> np.ndarray:
    """(n, 17) digit array → (n, 18) ASCII array with the ISO 7064 MOD 11-2 check character."""
    check = _CITIZEN_CHECK[(first17 @ _CITIZEN_WEIGHTS) % 11]
    return np.concatenate([(first17 + 48).astype(np.uint8), check[:, None]], axis=1)


def org_codes(body_values: np.ndarray) -> np.ndarray:
    """(n, 8) character values (0-9, A=10 … Z=35) → (n, 9) ASCII organization codes (GB 11714)."""
    check = 11 - (body_values @ _ORG_WEIGHTS) % 11
    check_ascii = np.where(check == 10, ord("X"), np.where(check == 11, ord("0"), check + 48))
    body_ascii = np.where(body_values < 10, body_values + 48, body_values - 10 + 65)
    return np.concatenate([body_ascii, check_ascii[:, None]], axis=1).astype(np.uint8)


def credit_codes(prefix_ascii: np.ndarray, org_ascii: np.ndarray) -> np.ndarray:
    """(n, 8) ASCII of registration authority + kind + region, (n, 9) ASCII org codes → (n, 18) codes."""
    first17 = np.concatenate([prefix_ascii, org_ascii], axis=1).astype(np.uint8)
    lookup = np.full(128, -1, dtype=np.int64)
    lookup[_CREDIT_ASCII] = np.arange(31)
    values = lookup[first17]
    if (values < 0).any():
        raise ValueError("character outside the GB 32100 set")
    check = _CREDIT_ASCII[(31 - (values @ _CREDIT_WEIGHTS) % 31) % 31]
    return np.concatenate([first17, check[:, None]], axis=1)


def unique_org_bodies(rng: np.random.Generator, count: int, *, numeric_share: float = 0.55) -> np.ndarray:
    """``count`` distinct 8-character bodies as (n, 8) value arrays.

    Older firms carry numeric codes (1xxxxxxx-7xxxxxxx), newer ones "MA" + 6 characters; both are
    drawn through an affine bijection modulo a prime, so they never repeat. Bodies starting with
    8 are left to the fixed demo cast.
    """
    index = np.arange(count, dtype=np.int64)
    numeric = rng.random(count) < numeric_share
    out = np.zeros((count, 8), dtype=np.int64)
    prime_n = 69_999_989  # largest prime below 7·10^7: numbers 10,000,000 … 79,999,988
    a, b = int(rng.integers(1, prime_n)), int(rng.integers(0, prime_n))
    out[numeric] = digits(10_000_000 + (a * index[numeric] + b) % prime_n, 8)
    base = len(ORG_BODY_CHARS)
    prime_m = 887_503_663  # largest prime below 31^6
    a, b = int(rng.integers(1, prime_m)), int(rng.integers(0, prime_m))
    tail = (a * index[~numeric] + b) % prime_m
    positions = (tail[:, None] // base ** np.arange(5, -1, -1, dtype=np.int64)) % base
    values = np.array([_org_value(c) for c in ORG_BODY_CHARS], dtype=np.int64)
    out[~numeric, 0], out[~numeric, 1] = _org_value("M"), _org_value("A")
    out[~numeric, 2:] = values[positions]
    return out


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10
