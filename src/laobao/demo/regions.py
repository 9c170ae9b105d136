"""Communities and villages for the demo under every current street that has none yet.

Codes follow the NBS statistical scheme: the street's 9 digits plus 001-199 for a community
(居委会) and 201-399 for a village (村委会). Names are drawn per street without repetition.
Real communities loaded by ``laobao migrate`` are kept as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from laobao.core.models import Region, RegionLevel

from .names import PLACE_FIRST, PLACE_SECOND

SOURCE = "synthetic:demo"
# (communities, villages) per street kind: low and high bounds.
COUNTS = {"subdistrict": ((6, 14), (0, 0)), "town": ((3, 8), (6, 15)), "statistical_area": ((3, 8), (0, 3))}


@dataclass(frozen=True)
class Place:
    """A street or community in force, with the current district above it."""

    id: int
    code: str
    district: str  # current district code


def ensure_communities(rng: np.random.Generator) -> int:
    """Create communities under current streets without any; returns how many were created."""
    streets = list(
        Region.objects.filter(level=RegionLevel.STREET, valid_to__isnull=True).order_by("code")
    )
    populated = set(
        Region.objects.filter(level=RegionLevel.COMMUNITY, parent__in=streets).values_list("parent_id", flat=True)
    )
    pairs = np.array([f + s for f in PLACE_FIRST for s in PLACE_SECOND])
    new = []
    for street in streets:
        (c_lo, c_hi), (v_lo, v_hi) = COUNTS.get(street.kind, COUNTS["subdistrict"])
        n_comm, n_vill = int(rng.integers(c_lo, c_hi + 1)), int(rng.integers(v_lo, v_hi + 1))
        names = rng.choice(pairs, size=n_comm + n_vill, replace=False).tolist()
        if street.pk in populated:
            continue  # draw anyway: the other streets' names do not depend on which ones are populated
        for i in range(n_comm + n_vill):
            village = i >= n_comm
            seq = (201 + i - n_comm) if village else (1 + i)
            code = street.code[:9] + f"{seq:03d}"
            new.append(Region(
                code=code, name=names[i] + ("村" if village else "社区"),
                name_en=f"{'Village' if village else 'Community'} {code[-3:]} of {street.name_en or street.code}",
                level=RegionLevel.COMMUNITY, kind="village" if village else "community", parent=street,
                path=f"{street.path}{code}/", valid_from=street.valid_from, source=SOURCE,
            ))
    Region.objects.bulk_create(new, batch_size=1000)
    return len(new)


def current_places(level: str) -> list[Place]:
    """Every street or community (``level``) in force, in code order."""
    rows = Region.objects.filter(level=level, valid_to__isnull=True).order_by("code")
    out = []
    for pk, code, path in rows.values_list("id", "code", "path"):
        parts = path.strip("/").split("/")
        out.append(Place(id=pk, code=code, district=parts[1] if len(parts) > 1 else ""))
    return out
