"""Writes of 公益性岗位: posts, placements, leaving, and the payees' bank accounts. One transaction each, checked
against the jurisdiction (``employment.write`` on the post's community), audited, DomainError zh + en.

Placement conditions (stored on the placement; any failure refuses, naming the rule):
- ``post_open``: the post is in force on the start day and has a free place (active placements < count);
- ``working_age``: the person is of working age on the start day (employment's own ``age_check``);
- ``eligible``: a hard-to-employ person (``employment.selectors.hardship``: 4050 derived, recorded flags) OR a
  registered unemployed person (open 失业登记) holding a re-employment certificate valid on the start day;
- ``one_placement``: no other active placement (a unique constraint is the last guard);
- ``no_employment``: no current employment relation on the start day (the posts are for persons without work).
The placement is an employment relation: started through ``registry.services.relation_start`` as the operator
after these checks (as matching's referral → hired does), so ``employment_started`` ends the registration and
any unemployment benefit. Leaving ends the placement and the relation on the same day.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.registry import services as registry_services
from laobao.registry.models import Employer, EmployerStatus, Person
from laobao.registry.services import check_write
from laobao.training.models import Institution

from .. import conditions
from ..models import CertificateStatus, ReemploymentCertificate, UnemploymentRegistration
from ..selectors import hardship
from ..services import WRITE, actor, err, locked_person
from .models import PayeeAccount, PlacementBasis, PostKind, WelfarePlacement, WelfarePost


def _post_snapshot(p: WelfarePost) -> dict:
    return {"region": p.region_id, "employer": p.employer_id, "name": p.name, "kind": p.kind, "count": p.count,
            "post_subsidy_fen": p.post_subsidy_fen, "si_subsidy": p.si_subsidy, "start_date": p.start_date.isoformat(),
            "end_date": p.end_date.isoformat() if p.end_date else None}


def _placement_snapshot(p: WelfarePlacement) -> dict:
    return {"post": p.post_id, "person": p.person_id, "relation": p.relation_id, "basis": p.basis,
            "start_date": p.start_date.isoformat(), "end_date": p.end_date.isoformat() if p.end_date else None,
            "end_reason": p.end_reason, "failed": [c["code"] for c in p.checks if not c["ok"]]}


@transaction.atomic
def post_create(*, user, region, employer: Employer, name: str, kind: str, count: int, start_date: date,
                end_date: date | None = None, post_subsidy_fen: int | None = None, si_subsidy: bool = True
                ) -> WelfarePost:
    """开发公益性岗位 in ``region`` (the community office's jurisdiction) sponsored by ``employer``."""
    check_write(user, region, WRITE)
    if not (name or "").strip():
        raise err("name", "welfare.name", "请填写岗位名称", "name the post")
    if kind not in PostKind.values:
        raise err("kind", "welfare.kind", "岗位类别取值无效（保洁、保安、协管、托老、其他）",
                  "unknown post kind (cleaning, security, assistant, elder care, other)")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise err("count", "welfare.count", "岗位数须为正整数", "the number of places must be a positive whole number")
    if post_subsidy_fen is not None and (isinstance(post_subsidy_fen, bool) or not isinstance(post_subsidy_fen, int)
                                         or post_subsidy_fen < 0):
        raise err("post_subsidy_fen", "welfare.subsidy", "岗位补贴须为不小于 0 的整数（分），或留空按参数标准",
                  "the post subsidy must be whole fen, not negative, or empty for the parameter's standard")
    if end_date is not None and end_date < start_date:
        raise err("end_date", "welfare.dates", "岗位结束日期不能早于开始日期", "the end date cannot be before the start date")
    if employer.status != EmployerStatus.ACTIVE:
        raise err("employer", "welfare.employer", "开发岗位的单位不是正常状态：请选择在册的单位或社区",
                  "the sponsoring employer is not active: choose a registered employer or community office")
    post = WelfarePost.objects.create(region=region, employer=employer, name=name.strip()[:100], kind=kind, count=count,
                                      post_subsidy_fen=post_subsidy_fen, si_subsidy=si_subsidy, start_date=start_date,
                                      end_date=end_date, created_by=actor(user))
    audit.record("welfare_post.create", object_type="welfare_post", object_id=post.pk, region_path=region.path,
                 after=_post_snapshot(post))
    return post


def _valid_certificate(person: Person, on: date) -> ReemploymentCertificate | None:
    return (ReemploymentCertificate.objects.filter(person=person, status=CertificateStatus.VALID, issued_on__lte=on,
                                                   valid_until__gte=on).order_by("-issued_on").first())


def eligibility(person: Person, on: date) -> tuple[dict, str | None]:
    """The ``eligible`` check and the basis it found (hardship first)."""
    flags = hardship(person, on)
    if flags:
        labels = "、".join(str(f["label"]) for f in flags)
        return conditions.check("eligible", True, f"就业困难人员（{labels}）", "hard-to-employ (" + ", ".join(
            f["kind"] for f in flags) + ")"), PlacementBasis.HARDSHIP
    registered = UnemploymentRegistration.objects.filter(person=person, ended_on__isnull=True).exists()
    cert = _valid_certificate(person, on) if registered else None
    if cert is not None:
        return conditions.check("eligible", True, f"登记失业且持有效再就业优惠证 {cert.number}",
                                f"registered unemployed holding valid certificate {cert.number}"), PlacementBasis.CERTIFICATE
    return conditions.check(
        "eligible", False,
        "不是就业困难人员（4050人员、残疾人、零就业家庭、失地农民），也不是持有效再就业优惠证的登记失业人员：公益性岗位只安置"
        "这两类人员" + ("" if registered else "（未办理失业登记）"),
        "neither hard-to-employ (4050, disabled, zero-employment family, land-expropriated) nor a registered unemployed "
        "person with a valid re-employment certificate: public-welfare posts place only these two groups"
        + ("" if registered else " (not registered as unemployed)")), None


def _post_open(post: WelfarePost, on: date) -> dict:
    in_force = post.start_date <= on and (post.end_date is None or on <= post.end_date)
    taken = WelfarePlacement.objects.filter(post=post, end_date__isnull=True).count()
    ok = in_force and taken < post.count
    if ok:
        return conditions.check("post_open", True, f"岗位在期内，已安置 {taken}/{post.count} 人",
                                f"post in force, {taken}/{post.count} places taken")
    if not in_force:
        return conditions.check("post_open", False, f"岗位在 {on:%Y-%m-%d} 不在开发期内：请选择在期的岗位",
                                f"the post is not in force on {on:%Y-%m-%d}: choose a post in force")
    return conditions.check("post_open", False, f"岗位已满（{post.count} 人）：请先办理离岗或选择其他岗位",
                            f"the post is full ({post.count} places): someone must leave first, or choose another post")


def placement_checks(post: WelfarePost, person: Person, on: date) -> tuple[list[dict], str | None]:
    active = WelfarePlacement.objects.filter(person=person, end_date__isnull=True).exists()
    job = conditions.working(person, on)
    eligible, basis = eligibility(person, on)
    return [
        _post_open(post, on),
        conditions.age_check(person, conditions.seeker_of(person), on),
        eligible,
        conditions.check("one_placement", not active, "无在岗的公益性岗位安置" if not active else
                         "此人已在公益性岗位上：一人只能有一个在岗安置，请先办理离岗",
                         "no active placement" if not active else
                         "the person already holds a public-welfare post: one active placement per person; record "
                         "the leaving first"),
        conditions.check("no_employment", not job, "上岗日无在职劳动关系" if not job else
                         "上岗日仍有在职劳动关系：公益性岗位安置未就业人员，须先终止原劳动关系",
                         "no current employment relation on the start day" if not job else
                         "a current employment relation exists on the start day: the posts are for persons without "
                         "work; end it first"),
    ], basis


@transaction.atomic
def place(*, user, post: WelfarePost, person: Person, start_date: date | None = None) -> WelfarePlacement:
    """安置 a person on a post: conditions checked and stored, the employment relation recorded."""
    post = WelfarePost.objects.select_for_update(of=("self",)).select_related("region", "employer__region").get(pk=post.pk)
    check_write(user, post.region, WRITE)
    person = locked_person(user, person)
    start_date = start_date or timezone.localdate()
    if start_date > timezone.localdate():
        raise err("start_date", "welfare.future", "上岗日期不能晚于今天", "the start date cannot be in the future")
    checks, basis = placement_checks(post, person, start_date)
    bad = [c for c in checks if not c["ok"]]
    if bad:
        raise err("person", "welfare." + bad[0]["code"], "不能安置：" + "；".join(c["zh"] for c in bad),
                  "cannot place: " + "; ".join(c["en"] for c in bad))
    relation = registry_services.relation_start(user=None, person=person, employer=post.employer, start_date=start_date)
    try:
        with transaction.atomic():
            placement = WelfarePlacement.objects.create(post=post, person=person, relation=relation, basis=basis,
                                                        checks=checks, start_date=start_date, placed_by=actor(user))
    except IntegrityError:  # a concurrent placement of the same person won the race
        raise err("person", "welfare.one_placement", "此人已在公益性岗位上", "the person already holds a post") from None
    audit.record("welfare_placement.place", object_type="welfare_placement", object_id=placement.pk,
                 region_path=post.region.path, after=_placement_snapshot(placement))
    return placement


@transaction.atomic
def leave(*, user, placement: WelfarePlacement, end_date: date, reason: str) -> WelfarePlacement:
    """离岗: the placement and its employment relation end on ``end_date``."""
    placement = (WelfarePlacement.objects.select_for_update(of=("self",))
                 .select_related("post__region", "relation__employer__region").get(pk=placement.pk))
    check_write(user, placement.post.region, WRITE)
    if placement.end_date is not None:
        raise err("end_date", "welfare.left", f"已于 {placement.end_date:%Y-%m-%d} 离岗", f"already left on {placement.end_date}")
    if not (reason or "").strip():
        raise err("reason", "welfare.reason", "请填写离岗原因（如合同期满、辞职、已就业）", "state why the person leaves")
    if end_date < placement.start_date or end_date > timezone.localdate():
        raise err("end_date", "welfare.end_date", "离岗日期须在上岗日期之后、不晚于今天",
                  "the leaving day must be on or after the start and not in the future")
    before = _placement_snapshot(placement)
    placement.end_date, placement.end_reason = end_date, reason.strip()[:200]
    placement.save(update_fields=["end_date", "end_reason"])
    if placement.relation.end_date is None:
        registry_services.relation_end(user=None, relation=placement.relation, end_date=end_date)
    audit.record("welfare_placement.leave", object_type="welfare_placement", object_id=placement.pk,
                 region_path=placement.post.region.path, before=before, after=_placement_snapshot(placement))
    return placement


_BANK = re.compile(r"^\d{3}$")
_ACCOUNT = re.compile(r"^\d{12,30}$")


@transaction.atomic
def account_open(*, user, employer: Employer | None = None, institution: Institution | None = None, bank_code: str,
                 bank_name: str, account_no: str, account_name: str, opened_on: date | None = None) -> PayeeAccount:
    """登记/变更 the 单位账户 that receives subsidies: the current row is closed and a new one added."""
    if (employer is None) == (institution is None):
        raise err("payee", "payee.one", "须指定一个收款单位或培训机构", "name one payee: an employer or an institution")
    region = employer.region if employer is not None else institution.region
    check_write(user, region, WRITE)
    bank_code, account_no = (bank_code or "").strip(), (account_no or "").replace(" ", "")
    if not _BANK.match(bank_code) or not (bank_name or "").strip():
        raise err("bank_code", "payee.bank", "银行行别代码须为 3 位数字，并填写银行名称",
                  "the bank code is 3 digits, and the bank's name is required")
    if not _ACCOUNT.match(account_no):
        raise err("account_no", "payee.account", "账号须为 12 至 30 位数字", "the account number is 12 to 30 digits")
    if not (account_name or "").strip():
        raise err("account_name", "payee.name", "请填写户名（单位名称）", "state the account name (the unit's name)")
    opened_on = opened_on or timezone.localdate()
    current = PayeeAccount.objects.select_for_update().filter(employer=employer, institution=institution,
                                                              closed_on__isnull=True).first()
    if current is not None:
        current.closed_on = max(opened_on, current.opened_on)
        current.save(update_fields=["closed_on"])
    account = PayeeAccount.objects.create(employer=employer, institution=institution, bank_code=bank_code,
                                          bank_name=bank_name.strip()[:60], account_no=account_no,
                                          account_name=account_name.strip()[:200], opened_on=opened_on)
    audit.record("payee_account.open", object_type="payee_account", object_id=account.pk, region_path=region.path if
                 region else "", after={"employer": account.employer_id, "institution": account.institution_id,
                                        "bank": bank_code, "account_tail": account_no[-4:],
                                        "replaced": current.pk if current else None})
    return account
