"""Counting by district for indicators: one grouped query, rows labelled "category · district".

A district's region path is the city code and the district code, "/320500/320508/" (GB/T 2260, six digits
each), so the first 15 characters of any deeper path name its district. Rows under no district (a path
that stops at the city, or none) are counted as "not in a district", never dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from laobao.core.models import Region

from .registry import Row

DISTRICT_PATH_LEN = 15
_DISTRICT_PATH = re.compile(r"^/\d{6}/\d{6}/$")
NO_DISTRICT = ("", "未归属到区", "not in a district")


def with_district(qs: QuerySet, path_field: str) -> QuerySet:
    """``qs`` annotated with ``district``: the district prefix of ``path_field``."""
    return qs.annotate(district=Substr(path_field, 1, DISTRICT_PATH_LEN))


def district_of(prefix: str | None) -> str:
    """The district path, or "" when the prefix is not one (a city-level or missing region)."""
    return prefix if _DISTRICT_PATH.match(prefix or "") else ""


def district_labels(paths: set[str]) -> dict[str, tuple[str, str, str]]:
    """district path → (code, Chinese name, English name); "" → not in a district."""
    labels = {r.path: (r.code, r.name, r.name_en or r.name) for r in Region.objects.filter(path__in=paths)}
    return {p: labels.get(p, NO_DISTRICT) for p in paths} | {"": NO_DISTRICT}


def count_rows(qs: QuerySet, path_field: str, field: str, *, order: Sequence[str],
               labels: Callable[[str], tuple[str, str]]) -> list[Row]:
    """Rows of ``qs`` counted by ``field`` and district, in ``order`` then district code.

    ``labels(value)`` gives the category's Chinese and English names; the row key is
    ``((field, value), ("district", code))``."""
    counts = with_district(qs, path_field).values(field, "district").annotate(n=Count("id")).order_by()
    merged: Counter[tuple[str, str]] = Counter()
    for c in counts:
        merged[(c[field], district_of(c["district"]))] += c["n"]
    names = district_labels({d for _, d in merged if d})
    rank = {v: i for i, v in enumerate(order)}
    rows = []
    for value, d in sorted(merged, key=lambda k: (rank.get(k[0], len(rank)), k[0], names[k[1]][0])):
        code, d_zh, d_en = names[d]
        zh, en = labels(value)
        rows.append(Row(key=((field, value), ("district", code)), label_zh=f"{zh} · {d_zh}",
                        label_en=f"{en} · {d_en}", value=merged[(value, d)]))
    return rows
