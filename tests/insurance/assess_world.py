"""A small deterministic city for the assessment crash test: ``python assess_world.py SEED`` loads it into the
database of DATABASE_URL (already migrated); ``world(SEED)`` describes it for the independent expectation."""

from __future__ import annotations

import random
import sys
from datetime import date

FIVE = ("pension", "medical", "unemployment", "injury", "maternity")
LIMITS = (487_900, 2_439_600)  # Jiangsu 2024 (4879 / 24396 yuan)
START = date(2024, 7, 1)


def world(seed: int, employers: int = 12, persons: int = 150, flexible: int = 6) -> dict:
    rng = random.Random(seed)
    firms = [{"cls": rng.choice([0, 1, 2, 3, 5, 8])} for _ in range(employers)]
    people = []
    for i in range(persons + flexible):
        own = i >= persons
        insurances = ("pension", "medical") if own else (FIVE if rng.random() < 0.8 else ("pension", "medical"))
        people.append({"employer": None if own else rng.randrange(employers), "insurances": insurances,
                       "wage": rng.choice([200_000, 487_900, 800_000, 1_500_000, 3_000_000]) + rng.randrange(100),
                       "declared": rng.random() < 0.9, "start": date(2024, rng.choice([1, 7, 8, 9]), 1)})
    return {"firms": firms, "people": people}


def _citizen_id(n: int) -> str:
    from laobao.core.identifiers import citizen_id_check_char

    first17 = f"320508{19700101 + n % 28:08d}{n % 1000:03d}"
    return first17 + citizen_id_check_char(first17)


def _credit_code(n: int) -> str:
    from laobao.core.identifiers import credit_code_check_char, org_code_check_char

    body = f"{n:08d}"
    first17 = "91320508" + body + org_code_check_char(body)
    return first17 + credit_code_check_char(first17)


def load(seed: int) -> None:
    from laobao.core.models import Region
    from laobao.insurance.models import BaseDeclaration, BaseLimit, EmployerRiskClass, Enrollment
    from laobao.registry.models import Employer, Person

    spec = world(seed)
    regions = list(Region.objects.filter(code__startswith="320508", level="street").order_by("code")[:3])
    BaseLimit.objects.create(year=2024, floor_fen=LIMITS[0], cap_fen=LIMITS[1], reference="江苏 2024 (test)")
    firms = []
    for i, f in enumerate(spec["firms"]):
        e = Employer.objects.create(credit_code=_credit_code(i + 1), name=f"崩溃测试公司{i}", type="private",
                                    industry="C", size="small", region=regions[i % len(regions)])
        if f["cls"]:
            EmployerRiskClass.objects.create(employer=e, from_month=date(2015, 10, 1), risk_class=f["cls"])
        firms.append(e)
    for i, p in enumerate(spec["people"]):
        person = Person.objects.create(citizen_id=_citizen_id(i + 1), name=f"测试{i}", sex="1",
                                       birth_date=date(1970, 1, 1), hukou_type="urban", hukou_region_code="320508",
                                       residence_region=regions[i % len(regions)])
        employer = firms[p["employer"]] if p["employer"] is not None else None
        for ins in p["insurances"]:
            Enrollment.objects.create(person=person, employer=employer, insurance=ins, start_month=p["start"],
                                      start_reason="hire" if employer else "self_enrollment")
        if p["declared"]:
            BaseDeclaration.objects.create(person=person, employer=employer, year=2024, wage_fen=p["wage"],
                                           kind="declared" if employer else "self")


if __name__ == "__main__":
    import django

    django.setup()
    from django.db import transaction

    with transaction.atomic():
        load(int(sys.argv[1]))
