"""Certificate numbers, occupation codes and the masked name of the public verification page.

Certificate number (this system's own format, not a national one), 17 characters::

    ZS 2006 3 123456789 7
    |  |    | |         └ check character, ISO 7064 MOD 11-2 over the 14 digits (0–9 or X, as GB 11643)
    |  |    | └ 9 random digits (``secrets``): numbers are not sequential, so they cannot be enumerated
    |  |    └ level 5 … 1
    |  └ year of issue
    └ "ZS" (证书)

A mistyped digit changes the check character, so the verification page can tell "forged or mistyped" from
"not issued" without reading the database. The digit run is 14–15 characters, never 18, so a number is never
mistaken for a citizen ID by the ID scanners.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "ZS"
NUMBER_RE = re.compile(r"^ZS(\d{4})([1-5])(\d{9})([\dX])$")
_WEIGHTS = [pow(2, 14 - i, 11) for i in range(14)]  # 2^(n-1) mod 11 for positions 14 … 1 (ISO 7064 MOD 11-2)
_CHECK = "10X98765432"
OCCUPATION_RE = re.compile(r"^\d(-\d{2}){0,3}$")


def check_char(digits14: str) -> str:
    """ISO 7064 MOD 11-2 check character of 14 digits (the same mapping as the citizen ID's)."""
    total = sum(int(c) * w for c, w in zip(digits14, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def new_number(year: int, level: int) -> str:
    body = f"{year:04d}{level}{secrets.randbelow(10**9):09d}"
    return PREFIX + body + check_char(body)


def normalize(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isalnum()).upper()[:40]


def is_well_formed(number: str) -> bool:
    """Shape and check character: False for a forged or mistyped number."""
    m = NUMBER_RE.match(number or "")
    if not m:
        return False
    body = m.group(1) + m.group(2) + m.group(3)
    return check_char(body) == m.group(4)


def valid_occupation_code(code: str) -> bool:
    """《职业分类大典》 code ``\\d-\\d{2}-\\d{2}-\\d{2}`` or a prefix of it (major, sub-major, minor group)."""
    return bool(OCCUPATION_RE.match(code or ""))


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明 (the first and, from three characters, the last)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
