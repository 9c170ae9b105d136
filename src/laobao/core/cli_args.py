"""Arguments shared by the ``laobao`` commands, checked with a message in Chinese and English."""

from __future__ import annotations

import re
from datetime import date

from django.core.management.base import CommandError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month(text: str) -> date:
    """``YYYY-MM`` → the first day of that month; anything else is a CommandError naming the fix."""
    match = _MONTH.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CommandError(f"月份“{text}”无效：请写成 YYYY-MM，例如 2024-03 / "
                           f"invalid month '{text}': write it as YYYY-MM, e.g. 2024-03", returncode=2)
    return date(int(match.group(1)), int(match.group(2)), 1)
