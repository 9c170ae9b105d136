"""Public-welfare posts, migrant and rural labour and the north–south exchange in the demo city (issue 6).

After the employment part (``demo.employment``): everything goes through the services (maker ``city_officer``),
so every condition, check and audit row is the real one, and the full-employment community pages (computed, no
tables) show the placements with the rest of the community's records.

- 公益性岗位: posts of the four kinds in up to three communities of 姑苏 (those with the most eligible persons),
  sponsored by a unit of the community's street; persons placed who pass the placement conditions
  (``welfare.services.placement_checks``: hard-to-employ, or registered unemployed with a valid certificate; a
  person a condition refuses is skipped, never forced); one leaves; the sponsors' payee accounts; the subsidy batch
  for the last two complete months. ``employment.welfare_post_subsidy`` ships empty (ADR 0017), so the demo posts
  STATE a monthly amount — demo values, named in the post's name and in an audit row ``demo.welfare_post_subsidy``.
- 外来劳动力: residents with hukou from elsewhere, registered with their own origin county code (the demo
  population's origins), the employer of a relation open on the registration day where there is one; one returns home.
- 农村富余劳动力: villagers of the city registered; transfers to an employer (the relation they started later),
  to a local self-employment and out of the area; some still waiting.
- 南北劳务交流: one agreement of 姑苏 with a north-Jiangsu city and one group whose members are registered.

Dates are relative to the build day (the services refuse future dates). Idempotent: the marker audit event says it
is done; one transaction with a savepoint per story, so an interrupted run leaves nothing.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from typing import TextIO

import numpy as np
from django.db import transaction
from django.db.models import Q

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.core.models import AuditEvent, Region, RegionLevel
from laobao.registry.models import Employer, EmploymentRelation, Person

from .employment import _STARTED, say, story, today, user, years_before
from .users import cast_community, cast_member

MARKER = "demo.welfare_migrant"
GUSU = "/320508/"
CITY = "/320500/"

#: per community: (kind, post title, places, stated monthly post subsidy in fen — DEMO values, no real standard)
POSTS = (
    (("cleaning", "社区保洁员", 3, 80_000), ("assistant", "劳动保障协管员", 2, 100_000)),
    (("security", "小区门岗保安员", 2, 90_000), ("elder_care", "居家养老托老服务员", 2, 85_000)),
    (("cleaning", "背街小巷保洁员", 2, 80_000), ("assistant", "社区综治协管员", 2, 95_000)),
)
#: bank code and name of the sponsors' payee accounts (demo)
BANKS = (("102", "中国工商银行苏州分行"), ("103", "中国农业银行苏州分行"), ("104", "中国银行苏州分行"),
         ("105", "中国建设银行苏州分行"))
NORTH = {"3203": ("320300", "徐州市"), "3207": ("320700", "连云港市"), "3208": ("320800", "淮安市"),
         "3209": ("320900", "盐城市"), "3213": ("321300", "宿迁市")}
CAST = ("zhangwei", "lina", "wangfang", "liuyang", "chenjing", "zhaolei", "zhangxiaoyu")


def done() -> bool:
    return AuditEvent.objects.filter(action=MARKER).exists()


def grow(*, seed: int, progress: TextIO | None = sys.stderr) -> dict:
    """Load the posts, migrant and rural labour of the demo city (idempotent); counts for the summary line."""
    with transaction.atomic():
        return _grow(seed, progress)


def _grow(seed: int, progress: TextIO | None) -> dict:
    if done():
        return counts()
    _STARTED[:] = [time.perf_counter(), time.process_time()]
    rng = np.random.Generator(np.random.PCG64([seed, 6, 3]))
    maker = user("city_officer")
    if maker is None:
        raise DomainError.of("users", "demo.no_users", "演示账号未创建：请先运行 laobao demo",
                             "the demo logins are missing: run laobao demo first")
    cast = [p.pk for p in (cast_member("person", k) for k in CAST) if p is not None]
    _welfare(rng, maker, cast, progress)
    _migrants(rng, maker, cast, progress)
    _rural(rng, maker, cast, progress)
    result = counts()
    audit.record(MARKER, object_type="demo", object_id=str(seed), after=result)
    say(progress, "welfare/migrant", "done")
    return result


def counts() -> dict:
    from laobao.employment.migrant.models import (ExchangeAgreement, ExchangeGroup, MigrantRegistration, RuralLaborer,
                                                  RuralTransfer)
    from laobao.employment.welfare.models import PayeeAccount, WelfarePlacement, WelfarePost, WelfareSubsidy

    return {"posts": WelfarePost.objects.count(), "placements": WelfarePlacement.objects.count(),
            "left": WelfarePlacement.objects.filter(end_date__isnull=False).count(),
            "payees": PayeeAccount.objects.filter(employer__isnull=False).count(),
            "subsidies": WelfareSubsidy.objects.count(), "migrants": MigrantRegistration.objects.count(),
            "migrants_ended": MigrantRegistration.objects.filter(ended_on__isnull=False).count(),
            "rural": RuralLaborer.objects.count(), "transfers": RuralTransfer.objects.count(),
            "agreements": ExchangeAgreement.objects.count(), "groups": ExchangeGroup.objects.count()}


def _month_first(d: date, back: int) -> date:
    y, m = d.year, d.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def _open_on(day: date):
    """Persons with an employment relation covering ``day`` or a later one (their history stays coherent)."""
    return EmploymentRelation.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=day)).values("person_id")


# --- 公益性岗位 -----------------------------------------------------------------------------------------------

def _candidates(rng, cast: list[int], first_day: date) -> list[tuple[int, int, str]]:
    """Hard-to-employ (4050 by age) persons without work since before ``first_day``, or registered unemployed with
    a certificate; without an unemployment benefit (a placement would stop it in the past). 姑苏 first, seeded."""
    from laobao.benefits.models import Benefit
    from laobao.employment.models import ReemploymentCertificate

    t = today()
    band = (Q(sex="F", birth_date__lte=years_before(t, 41), birth_date__gt=years_before(t, 49))
            | Q(sex="M", birth_date__lte=years_before(t, 51), birth_date__gt=years_before(t, 59)))
    certified = ReemploymentCertificate.objects.filter(status="valid", valid_until__gte=t).values("person_id")
    qs = (Person.objects.filter(residence_region__level=RegionLevel.COMMUNITY)
          .filter(band | Q(pk__in=certified, birth_date__lte=years_before(t, 20)))
          .exclude(pk__in=_open_on(first_day - timedelta(days=30)))
          .exclude(pk__in=Benefit.objects.filter(kind="unemployment").values("person_id"))
          .exclude(pk__in=cast).exclude(welfare_placements__isnull=False))
    rows = list(qs.order_by("id").values_list("id", "residence_region_id", "residence_region__path"))
    order = sorted(range(len(rows)), key=lambda i: (GUSU not in rows[i][2], rng.random()))
    return [rows[i] for i in order]


def _sponsor(community: Region, used: set[int]) -> Employer | None:
    """A unit of the community's street (an institution or office first), else of its district."""
    street, district = community.path.rsplit("/", 2)[0] + "/", "/".join(community.path.split("/")[:3]) + "/"
    base = Employer.objects.filter(status="active", region__isnull=False).exclude(pk__in=used)
    for where in (street, district, CITY):
        qs = base.filter(region__path__startswith=where)
        e = (qs.filter(type__in=("public_institution", "government", "other")).order_by("id").first()
             or qs.order_by("id").first())
        if e is not None:
            return e
    return None


def _welfare(rng, maker, cast: list[int], progress) -> None:
    from laobao.employment.welfare import subsidies

    t = today()
    m1, m2 = _month_first(t, 1), _month_first(t, 2)  # the last two complete months
    pool = _candidates(rng, cast, m2)
    by_community: dict[int, list[int]] = {}
    for pk, region_id, _ in pool:
        by_community.setdefault(region_id, []).append(pk)
    home = cast_community()
    paths = {region_id: path for _, region_id, path in pool}
    ranked = sorted(by_community, key=lambda r: (-(len(by_community[r]) + (2 if home and r == home.pk else 0))))
    gusu = [r for r in ranked if GUSU in paths[r]][:1]  # the demo district's own community first
    ranked = gusu + [r for r in ranked if r not in gusu]
    communities = Region.objects.in_bulk(ranked[:len(POSTS)])
    placements, used = [], set()
    for i, region_id in enumerate(ranked[:len(POSTS)]):
        community = communities[region_id]
        sponsor = _sponsor(community, used)
        if sponsor is None:
            continue
        used.add(sponsor.pk)
        posts = story(f"posts of {community.code}", _posts, community, sponsor, POSTS[i], m2, maker)
        if not posts:
            continue
        story(f"payee account of {sponsor.pk}", _account, sponsor, i, m2, maker)
        people = by_community[region_id]
        for post in posts:
            free = post.count - (1 if post.count >= 3 else 0)
            while free and people:
                placed = _place(rng, post, Person.objects.get(pk=people.pop(0)), m2, maker)
                if placed is not None:
                    placements.append(placed)
                    free -= 1
    if placements:
        story("a placement leaves", _leave, placements[-1], m1, maker)
    say(progress, "welfare/migrant", f"{len(placements)} persons placed on public-welfare posts")
    for month in (m2, m1):
        story(f"welfare subsidies {month:%Y-%m}", lambda m: subsidies.run(m, progress=None), month)


def _posts(community: Region, sponsor: Employer, rows, m2: date, maker) -> list:
    from laobao.employment.welfare import services

    start = m2 - timedelta(days=240)
    out = []
    for kind, title, count, fen in rows:
        post = services.post_create(user=maker, region=community, employer=sponsor, name=f"{title}（演示：补贴为演示金额）",
                                    kind=kind, count=count, start_date=start, post_subsidy_fen=fen, si_subsidy=True)
        audit.record("demo.welfare_post_subsidy", object_type="welfare_post", object_id=post.pk,
                     region_path=community.path, after={"post_subsidy_fen": fen, "note": "demo value, not a standard"})
        out.append(post)
    return out


def _account(sponsor: Employer, i: int, m2: date, maker) -> None:
    from laobao.employment.welfare import services

    code, name = BANKS[i % len(BANKS)]
    services.account_open(user=maker, employer=sponsor, bank_code=code, bank_name=name,
                          account_no=f"6{int(code):03d}{sponsor.pk:012d}", account_name=sponsor.name,
                          opened_on=m2 - timedelta(days=200))


def _place(rng, post, person: Person, m2: date, maker):
    """Place ``person`` when every condition holds on the start day (checked as the service does); else skip."""
    from laobao.employment.models import ReemploymentCertificate, UnemploymentRegistration
    from laobao.employment.welfare import services

    start = m2 - timedelta(days=int(rng.integers(10, 120)))
    reg = UnemploymentRegistration.objects.filter(person=person, ended_on__isnull=True).first()
    if reg is not None:  # the placement ends the registration: on a day after it (and after the certificate)
        cert = ReemploymentCertificate.objects.filter(person=person, status="valid").order_by("-issued_on").first()
        start = max(start, reg.registered_on + timedelta(days=1), (cert.issued_on if cert else start) + timedelta(days=1))
    if start > today():
        return None
    checks, _ = services.placement_checks(post, person, start)
    if not all(c["ok"] for c in checks):
        return None
    return story(f"placement of person {person.pk}", _do_place, post, person, start, maker)


def _do_place(post, person, start, maker):
    from laobao.employment.welfare import services

    return services.place(user=maker, post=post, person=person, start_date=start)


def _leave(placement, m1: date, maker) -> None:
    from laobao.employment.welfare import services

    services.leave(user=maker, placement=placement, end_date=max(placement.start_date, m1 + timedelta(days=9)),
                   reason="合同期满，本人不再续签（演示数据）")


# --- 外来劳动力 and 南北劳务交流 --------------------------------------------------------------------------------

def _migrant_pool(rng, cast: list[int]) -> list[tuple[int, str]]:
    """Residents of the city with hukou from elsewhere, 18–55, without a migrant registration (seeded order)."""
    from laobao.employment.migrant.models import MigrantRegistration

    t = today()
    rows = list(Person.objects.filter(hukou_type="elsewhere", residence_region__path__startswith=CITY,
                                      birth_date__lte=years_before(t, 20), birth_date__gt=years_before(t, 55))
                .exclude(pk__in=cast).exclude(pk__in=MigrantRegistration.objects.values("person_id"))
                .order_by("id").values_list("id", "hukou_region_code"))
    order = rng.permutation(len(rows))
    return [rows[i] for i in order]


def _migrants(rng, maker, cast: list[int], progress) -> None:
    t = today()
    pool = _migrant_pool(rng, cast)
    n = max(20, min(40, Person.objects.count() // 600))
    north = [r for r in pool if r[1][:4] in NORTH]
    prefix = max(NORTH, key=lambda p: (sum(r[1].startswith(p) for r in north), p == "3203"))
    members = [r for r in north if r[1].startswith(prefix)][:6]
    member_ids = {r[0] for r in members}
    group = story("exchange agreement and group", _exchange, rng, prefix, len(members), maker)
    done_, ended = 0, False
    for pk, origin in members:
        if group is not None and story(f"group member {pk}", _register_member, rng, pk, origin, group, maker):
            done_ += 1
    for pk, origin in [r for r in pool if r[0] not in member_ids]:
        if done_ >= n:
            break
        reg = story(f"migrant registration of person {pk}", _register, rng, pk, origin, done_, maker)
        if reg is None:
            continue
        done_ += 1
        if not ended and reg.registered_on <= t - timedelta(days=60):
            ended = story("a migrant returns home", _end, reg, maker) is not None
    say(progress, "welfare/migrant", f"{done_} migrant registrations")


def _exchange(rng, prefix: str, members: int, maker):
    from laobao.employment.migrant import services

    t = today()
    code, name = NORTH[prefix]
    gusu = Region.objects.get(code="320508", valid_to__isnull=True)
    agreement = services.agreement_create(
        user=maker, number=f"SN-320508-{t.year - 1}-01（演示）", partner_code=code, partner_name=name,
        partner_kind="north", region=gusu, signed_on=t - timedelta(days=420), valid_until=t + timedelta(days=675),
        note="南北劳务挂钩协议（演示数据）")
    active = Employer.objects.filter(status="active", region__isnull=False).order_by("id")
    employer = (active.filter(industry="C", region__path__contains=GUSU).first()
                or active.filter(region__path__contains=GUSU).first() or active.filter(industry="C").first())
    return services.group_record(user=maker, agreement=agreement, employer=employer, arrived_on=t - timedelta(days=45),
                                 headcount=members + 2, note=f"{name}组织输入（演示数据）")


def _register_member(rng, pk: int, origin: str, group, maker):
    from laobao.employment.migrant import services

    return services.migrant_register(user=maker, person=Person.objects.get(pk=pk), arrival_date=group.arrived_on,
                                     registered_on=group.arrived_on + timedelta(days=int(rng.integers(1, 8))),
                                     origin_code=origin, housing="用工单位集体宿舍（演示）", group=group)


def _register(rng, pk: int, origin: str, i: int, maker):
    from laobao.employment.migrant import services

    t = today()
    person = Person.objects.select_related("residence_region__parent").get(pk=pk)
    registered = t - timedelta(days=int(rng.integers(5, 700)))
    arrival = registered - timedelta(days=int(rng.integers(0, 60)))
    job = (EmploymentRelation.objects.filter(person=person, start_date__lte=registered)
           .filter(Q(end_date__isnull=True) | Q(end_date__gte=registered)).select_related("employer")
           .order_by("-start_date").first())
    street = person.residence_region.parent.name if person.residence_region.parent_id else ""
    housing = "单位集体宿舍（演示）" if job is not None and i % 2 else f"租住{street}民房（演示）"
    return services.migrant_register(user=maker, person=person, arrival_date=arrival, registered_on=registered,
                                     origin_code=origin, housing=housing, employer=job.employer if job else None)


def _end(reg, maker):
    from laobao.employment.migrant import services

    return services.migrant_end(user=maker, registration=reg, ended_on=today() - timedelta(days=10), reason="returned")


# --- 农村富余劳动力 -----------------------------------------------------------------------------------------------

def _rural(rng, maker, cast: list[int], progress) -> None:
    """Villagers: three hired after registering (transfer to the employer), two self-employed (local, out of the
    area), three still waiting."""
    from laobao.employment.migrant.models import RuralLaborer

    t = today()
    base = (Person.objects.filter(hukou_type="rural", hukou_region_code__startswith="3205",
                                  residence_region__path__startswith=CITY, birth_date__lte=years_before(t, 22),
                                  birth_date__gt=years_before(t, 50))
            .exclude(pk__in=cast).exclude(pk__in=RuralLaborer.objects.values("person_id")))
    hired = list(EmploymentRelation.objects.filter(person__in=base, end_date__isnull=True,
                                                   start_date__gte=t - timedelta(days=600),
                                                   start_date__lte=t - timedelta(days=30))
                 .order_by("id").values_list("id", flat=True))
    hired = [hired[i] for i in rng.permutation(len(hired))][:3]
    idle = list(base.exclude(pk__in=_open_on(t - timedelta(days=365))).order_by("id").values_list("id", flat=True))
    idle = [idle[i] for i in rng.permutation(len(idle))][:5]
    n = 0
    for rel_id in hired:
        n += story(f"rural laborer hired ({rel_id})", _rural_hired, EmploymentRelation.objects.get(pk=rel_id), maker) or 0
    plans = (("农家乐餐饮（演示）", True), ("外出经营：赴上海从事家装（演示）", False), None, None, None)
    for pk, plan in zip(idle, plans):
        n += story(f"rural laborer {pk}", _rural_idle, rng, Person.objects.get(pk=pk), plan, maker) or 0
    say(progress, "welfare/migrant", f"{n} rural surplus laborers")


def _rural_hired(rel: EmploymentRelation, maker) -> int:
    from laobao.employment.migrant import services

    laborer = services.rural_register(user=maker, person=rel.person,
                                      registered_on=rel.start_date - timedelta(days=75))
    services.rural_transfer(user=maker, laborer=laborer, transferred_on=rel.start_date, employer=rel.employer)
    return 1


def _rural_idle(rng, person: Person, plan, maker) -> int:
    from laobao.employment.migrant import services

    t = today()
    laborer = services.rural_register(user=maker, person=person, registered_on=t - timedelta(days=int(rng.integers(60, 300))))
    if plan is not None:
        business, local = plan
        services.rural_transfer(user=maker, laborer=laborer, business=business, local=local,
                                transferred_on=min(t, laborer.registered_on + timedelta(days=int(rng.integers(20, 50)))))
    return 1


__all__ = ["MARKER", "counts", "done", "grow"]
