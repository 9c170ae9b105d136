"""Seed a throwaway database for the crash and concurrency tests (run as a subprocess: python crash_seed.py N).

Creates N employers in 320508 each with one person and one bill of 330.00 for 2024-01, posted as the
assessment contract says, and prints nothing. Run after ``laobao migrate``.
"""

import os
import sys
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laobao.settings")

import django  # noqa: E402

django.setup()

from collection_support import simple_bill  # noqa: E402
from conftest import make_credit_code, make_id  # noqa: E402
from laobao.core.context import acting_as  # noqa: E402
from laobao.registry import services as registry  # noqa: E402


def main(n: int) -> None:
    from laobao.core.models import Region, RegionLevel

    from conftest import _community

    street = _community(Region.objects.filter(parent__code="320508", level=RegionLevel.STREET,
                                              valid_to__isnull=True).order_by("code").first(), 901).code
    with acting_as(None, username="seed"):
        for i in range(1, n + 1):
            emp = registry.employer_register(user=None, credit_code=make_credit_code(i), name=f"单位{i}", type="private",
                                             industry="C", size="small", region_code=street)
            person = registry.person_register(user=None, citizen_id=make_id(seq=i), name="张" + "伟芳敏静丽强磊军洋勇"[i % 10], hukou_type="urban",
                                              hukou_region_code="320508", residence_region_code=street,
                                              mobile=f"1391234{i:04d}")
            simple_bill(emp, person, date(2024, 1, 1))


if __name__ == "__main__":
    main(int(sys.argv[1]))
