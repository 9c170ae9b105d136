"""再就业优惠证 and the support it opens: issue, renewal, cancellation; support applications received by a maker
and decided by a different checker (``employment.approve``). One transaction each, audited, DomainError zh + en.

Numbers: certificate ``ZY`` + residence district code + year + 5-digit sequence; application ``ZF`` + yyyymmdd +
4-digit sequence. Validity ``employment.certificate_validity_months`` from the issue or renewal day (UNVERIFIED).

Support kinds and their conditions (checks stored on the application; approval runs them again):
- every kind: the certificate is valid (not cancelled, not expired) on the day received;
- ``employer_subsidy`` (社会保险补贴): an employment relation with the employer that started on or after the
  certificate's issue (a holder *hired*), covering the months; at most ``employment.employer_subsidy_max_months``
  months; amount = the employer's pension + medical + unemployment shares on the holder's regular contribution
  lines of those months billed to that employer (one SUM); posted on approval Dr ``fund:employment`` /
  Cr ``payable:employer_subsidy:<id>`` (key ``employment_subsidy:<no>``);
- ``guaranteed_loan`` (小额担保贷款): business named, 0 < amount ≤ ``employment.guaranteed_loan_max_fen``; the bank
  lends, nothing is posted;
- ``tax_relief`` (税费减免): business named, amount ≤ ``employment.tax_relief_annual_cap_fen``; a record only;
- ``self_employment`` (自主创业/自谋职业): business named; a record only.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from laobao.core import audit
from laobao.insurance.models import Contribution
from laobao.ledger import services as ledger
from laobao.policy.params import param
from laobao.registry.models import Employer, EmploymentRelation, Person
from laobao.registry.services import check_write

from . import conditions
from .models import (ApplicationStatus, CertificateStatus, ReemploymentCertificate, SupportApplication, SupportKind,
                     UnemploymentRegistration)
from .services import WRITE, actor, err, locked_person, path_of

APPROVE = "employment.approve"
FUND = "fund:employment"
OPEN = (ApplicationStatus.RECEIVED, ApplicationStatus.CHECKED)


def add_months(d: date, n: int) -> date:
    k = d.year * 12 + d.month - 1 + n
    y, m = divmod(k, 12)
    return date(y, m + 1, 1)


def valid_until(start: date) -> date:
    months = param("employment.certificate_validity_months", start).value
    first = add_months(start.replace(day=1), months)
    day = min(start.day, ((add_months(first, 1)) - timedelta(days=1)).day)
    return first.replace(day=day) - timedelta(days=1)


def cert_snapshot(c: ReemploymentCertificate) -> dict:
    return {"number": c.number, "person": c.person_id, "issued_on": c.issued_on.isoformat(),
            "valid_until": c.valid_until.isoformat(), "renewals": c.renewals, "status": c.status,
            "cancel_reason": c.cancel_reason}


def _district(person: Person) -> str:
    parts = [p for p in path_of(person).split("/") if p]
    return parts[1] if len(parts) > 1 else "320500"


def _save_numbered(obj, field: str, prefix: str, width: int, model) -> None:
    for _ in range(3):  # a concurrent counter may take the same sequence number
        n = model.objects.filter(**{f"{field}__startswith": prefix}).count() + 1
        setattr(obj, field, f"{prefix}{n:0{width}d}")
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError:
            continue
    raise err(field, "employment.busy", "编号生成冲突：请稍后再提交一次", "could not number the record: submit it again")


def issue_checks(person: Person, on: date) -> list[dict]:
    reg = UnemploymentRegistration.objects.filter(person=person, ended_on__isnull=True).first()
    age = conditions.age_check(person, conditions.seeker_of(person), on)
    valid = ReemploymentCertificate.objects.filter(person=person, status=CertificateStatus.VALID).exists()
    return [
        conditions.check("registered", reg is not None, "已办理失业登记" if reg else "未办理失业登记：请先办理失业登记",
                         "registered as unemployed" if reg else "not registered as unemployed: register first"),
        age,
        conditions.check("no_valid_certificate", not valid, "无有效的再就业优惠证" if not valid else
                         "已持有有效的再就业优惠证：请续期，不能重复发证",
                         "no valid certificate held" if not valid else "a valid certificate is held: renew it instead"),
    ]


def _failed(checks: list[dict], code: str, zh: str, en: str):
    bad = [c for c in checks if not c["ok"]]
    if bad:
        raise err("person", code, zh + "：" + "；".join(c["zh"] for c in bad), en + ": " + "; ".join(c["en"] for c in bad))


@transaction.atomic
def issue(*, user, person: Person, issued_on: date | None = None) -> ReemploymentCertificate:
    """发放再就业优惠证 to a registered unemployed person of working age."""
    person = locked_person(user, person)
    today = timezone.localdate()
    issued_on = issued_on or today
    if issued_on > today:
        raise err("issued_on", "certificate.future", "发证日期不能晚于今天", "the issue date cannot be in the future")
    checks = issue_checks(person, issued_on)
    _failed(checks, "certificate.conditions", "不符合发证条件", "the conditions for the certificate are not met")
    cert = ReemploymentCertificate(person=person, issued_on=issued_on, valid_until=valid_until(issued_on),
                                   checks=checks, issued_by=actor(user),
                                   registration=UnemploymentRegistration.objects.filter(
                                       person=person, ended_on__isnull=True).first())
    _save_numbered(cert, "number", f"ZY{_district(person)}{issued_on:%Y}", 5, ReemploymentCertificate)
    audit.record("reemployment_certificate.issue", object_type="reemployment_certificate", object_id=cert.pk,
                 region_path=path_of(person), after=cert_snapshot(cert))
    return cert


def _locked_cert(user, cert: ReemploymentCertificate, action: str = WRITE) -> ReemploymentCertificate:
    cert = (ReemploymentCertificate.objects.select_for_update(of=("self",)).select_related("person__residence_region")
            .get(pk=cert.pk))
    check_write(user, cert.person.residence_region, action)
    return cert


@transaction.atomic
def renew(*, user, certificate: ReemploymentCertificate, renewed_on: date | None = None) -> ReemploymentCertificate:
    """年审/续期: a valid (not cancelled) certificate of a person still of working age gets a new validity period
    from its old end (renewed before it) or from the renewal day (renewed after it lapsed)."""
    cert = _locked_cert(user, certificate)
    renewed_on = renewed_on or timezone.localdate()
    if cert.status != CertificateStatus.VALID:
        raise err("certificate", "certificate.cancelled", "优惠证已注销，不能续期：如符合条件请重新发证",
                  "the certificate was cancelled and cannot be renewed: issue a new one if the person qualifies")
    age = conditions.age_check(cert.person, conditions.seeker_of(cert.person), renewed_on)
    _failed([age], "certificate.conditions", "不能续期", "cannot renew")
    before = cert_snapshot(cert)
    start = cert.valid_until + timedelta(days=1) if cert.valid_until >= renewed_on else renewed_on
    cert.valid_until, cert.renewals, cert.last_renewed_on = valid_until(start), cert.renewals + 1, renewed_on
    cert.save(update_fields=["valid_until", "renewals", "last_renewed_on"])
    audit.record("reemployment_certificate.renew", object_type="reemployment_certificate", object_id=cert.pk,
                 region_path=path_of(cert.person), before=before, after=cert_snapshot(cert))
    return cert


@transaction.atomic
def cancel(*, user, certificate: ReemploymentCertificate, reason: str, cancelled_on: date | None = None
           ) -> ReemploymentCertificate:
    """注销优惠证 with a stated reason (e.g. 已退休, 迁出, 弄虚作假); open applications are left to be decided."""
    cert = _locked_cert(user, certificate)
    if not (reason or "").strip():
        raise err("reason", "certificate.reason", "请填写注销原因", "state why the certificate is cancelled")
    if cert.status == CertificateStatus.CANCELLED:
        raise err("certificate", "certificate.cancelled", "优惠证已注销", "the certificate is already cancelled")
    before = cert_snapshot(cert)
    cert.status, cert.cancelled_on, cert.cancel_reason = (CertificateStatus.CANCELLED,
                                                          cancelled_on or timezone.localdate(), reason.strip()[:200])
    cert.save(update_fields=["status", "cancelled_on", "cancel_reason"])
    audit.record("reemployment_certificate.cancel", object_type="reemployment_certificate", object_id=cert.pk,
                 region_path=path_of(cert.person), before=before, after=cert_snapshot(cert))
    return cert


# --- support applications ------------------------------------------------------------------------------------

def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def shares_sum() -> Sum:
    """Σ the employer's pension + medical + unemployment shares of contribution lines (the subsidized part; also
    the set-based welfare-post batch's social-insurance subsidy, employment.welfare.subsidies)."""
    return Sum(Coalesce(F("pension_employer"), 0) + Coalesce(F("medical_employer"), 0)
               + Coalesce(F("unemployment_employer"), 0))


def employer_shares(person: Person, employer: Employer, first: date, last: date) -> int:
    """The employer's pension + medical + unemployment shares (fen) on the person's regular lines of the months."""
    got = (Contribution.objects.filter(person=person, bill__employer=employer, adjustment=False, month__gte=first,
                                       month__lte=last)
           .aggregate(s=shares_sum()))
    return int(got["s"] or 0)


def _valid_on(cert: ReemploymentCertificate, on: date) -> dict:
    ok = cert.status == CertificateStatus.VALID and cert.issued_on <= on <= cert.valid_until
    return conditions.check("certificate_valid", ok, f"优惠证 {cert.number} 有效（至 {cert.valid_until:%Y-%m-%d}）" if ok else
                            f"优惠证 {cert.number} 在 {on:%Y-%m-%d} 无效（已注销或已过期）：请先续期",
                            f"certificate {cert.number} valid until {cert.valid_until:%Y-%m-%d}" if ok else
                            f"certificate {cert.number} is not valid on {on:%Y-%m-%d} (cancelled or expired): renew it first")


def _subsidy_checks(app: SupportApplication) -> list[dict]:
    cert, first, last = app.certificate, app.from_month, app.to_month
    if app.employer_id is None or first is None or last is None or last < first:
        return [conditions.check("subsidy_input", False, "须填写招用单位和补贴起止月份（止月不早于起月）",
                                 "name the employer and the first and last month (last not before first)")]
    last_day = add_months(last, 1) - timedelta(days=1)
    hired = (EmploymentRelation.objects.filter(person=app.person, employer=app.employer, start_date__gte=cert.issued_on,
                                               start_date__lt=add_months(first, 1))
             .exclude(end_date__lt=last_day).exists())
    cap = param("employment.employer_subsidy_max_months", app.received_on).value
    n = months_between(first, last)
    app.amount_fen = employer_shares(app.person, app.employer, first, last) if hired else 0
    return [
        conditions.check("hired_holder", hired, "该单位在发证后招用持证人员，劳动关系覆盖补贴月份" if hired else
                         "未找到发证后与该单位建立且覆盖补贴月份的劳动关系：补贴只给招用持证人员的单位",
                         "hired by this employer after the certificate was issued, covering the months" if hired else
                         "no employment relation with this employer started after the issue and covering the months: "
                         "the subsidy is only for employers hiring certificate holders"),
        conditions.check("months", n <= cap, f"补贴 {n} 个月（最长 {cap} 个月）", f"{n} months (at most {cap})"),
        conditions.check("contributions", app.amount_fen > 0,
                         f"单位缴纳的养老、医疗、失业保险费合计 {app.amount_fen} 分" if app.amount_fen else
                         "补贴月份没有该单位为此人缴费的记录：无可补贴金额",
                         f"employer shares of pension, medical, unemployment: {app.amount_fen} fen" if app.amount_fen else
                         "no contributions by this employer for the person in those months: nothing to subsidize"),
    ]


def _business_checks(app: SupportApplication, cap_param: str | None) -> list[dict]:
    named = bool(app.business_name.strip())
    out = [conditions.check("business", named, "已填写经营项目/企业名称" if named else "请填写经营项目或企业名称",
                            "business named" if named else "name the business")]
    if cap_param:
        cap = param(cap_param, app.received_on).value
        ok = 0 < app.amount_fen <= cap if app.kind == SupportKind.GUARANTEED_LOAN else 0 <= app.amount_fen <= cap
        out.append(conditions.check("amount", ok, f"金额 {app.amount_fen} 分（上限 {cap} 分）",
                                    f"amount {app.amount_fen} fen (cap {cap} fen)"))
    return out


def application_checks(app: SupportApplication, on: date) -> list[dict]:
    checks = [_valid_on(app.certificate, on)]
    if app.kind == SupportKind.EMPLOYER_SUBSIDY:
        return checks + _subsidy_checks(app)
    cap = {SupportKind.GUARANTEED_LOAN: "employment.guaranteed_loan_max_fen",
           SupportKind.TAX_RELIEF: "employment.tax_relief_annual_cap_fen"}.get(app.kind)
    return checks + _business_checks(app, cap)


def app_snapshot(a: SupportApplication) -> dict:
    return {"no": a.application_no, "kind": a.kind, "certificate": a.certificate_id, "employer": a.employer_id,
            "amount_fen": a.amount_fen, "status": a.status, "maker": a.maker_id, "checker": a.checker_id,
            "failed": [c["code"] for c in a.checks if not c["ok"]], "posting": a.posting_key}


@transaction.atomic
def receive(*, user, certificate: ReemploymentCertificate, kind: str, employer: Employer | None = None,
            from_month: date | None = None, to_month: date | None = None, amount_fen: int = 0,
            business_name: str = "") -> SupportApplication:
    """Take a support application (checks stored: ``checked`` when all hold, else ``received``)."""
    cert = _locked_cert(user, certificate)
    if kind not in SupportKind.values:
        raise err("kind", "support.kind", "扶持项目取值无效", "unknown kind of support")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen < 0:
        raise err("amount_fen", "support.amount", "金额须为不小于 0 的整数（分）", "the amount must be whole fen, not negative")
    today = timezone.localdate()
    app = SupportApplication(kind=kind, certificate=cert, person=cert.person, employer=employer, received_on=today,
                             from_month=from_month.replace(day=1) if from_month else None,
                             to_month=to_month.replace(day=1) if to_month else None, amount_fen=amount_fen,
                             business_name=(business_name or "")[:100], maker=user)
    app.checks = application_checks(app, today)
    app.status = ApplicationStatus.CHECKED if all(c["ok"] for c in app.checks) else ApplicationStatus.RECEIVED
    _save_numbered(app, "application_no", f"ZF{today:%Y%m%d}", 4, SupportApplication)
    audit.record("support_application.receive", object_type="support_application", object_id=app.pk,
                 region_path=path_of(cert.person), after=app_snapshot(app))
    return app


def _locked_app(user, app: SupportApplication) -> SupportApplication:
    app = (SupportApplication.objects.select_for_update(of=("self",))
           .select_related("person__residence_region", "certificate", "employer").get(pk=app.pk))
    if user is None:
        raise err("checker", "support.checker_required", "核准或驳回须由有权限的工作人员办理",
                  "an application is decided by an authorized staff member")
    check_write(user, app.person.residence_region, APPROVE)
    if app.status not in OPEN:
        raise err("application", "support.closed", f"申请 {app.application_no} 已办结", f"{app.application_no} is closed")
    if app.maker_id == user.pk:
        raise err("checker", "support.maker_is_checker", "受理人不能核准或驳回自己受理的申请：须由另一名工作人员复核",
                  "the caseworker who received the application cannot decide it: a second person must check it")
    return app


def _post(app: SupportApplication) -> str:
    key = f"employment_subsidy:{app.application_no}"
    ledger.post(key=key, kind="employment_subsidy", value_date=timezone.localdate(),
                memo=f"社会保险补贴 {app.application_no} {app.from_month:%Y-%m}–{app.to_month:%Y-%m}",
                lines=[(FUND, app.amount_fen, 0), (f"payable:employer_subsidy:{app.employer_id}", 0, app.amount_fen)])
    return key


@transaction.atomic
def approve(*, user, application: SupportApplication) -> SupportApplication:
    """核准 (second person): checks run again; the employer subsidy is posted to the fund journal."""
    app = _locked_app(user, application)
    before = app_snapshot(app)
    app.checks = application_checks(app, timezone.localdate())
    bad = [c for c in app.checks if not c["ok"]]
    if bad:
        raise err("application", "support.checks_fail", "条件未满足，不能核准：" + "；".join(c["zh"] for c in bad),
                  "conditions not met, cannot approve: " + "; ".join(c["en"] for c in bad))
    if app.kind == SupportKind.EMPLOYER_SUBSIDY:
        app.posting_key = _post(app)
    app.status, app.checker, app.decided_at = ApplicationStatus.APPROVED, user, timezone.now()
    app.save()
    audit.record("support_application.approve", object_type="support_application", object_id=app.pk,
                 region_path=path_of(app.person), before=before, after=app_snapshot(app))
    return app


@transaction.atomic
def reject(*, user, application: SupportApplication, reason: str = "") -> SupportApplication:
    app = _locked_app(user, application)
    before = app_snapshot(app)
    failed = "；".join(c["zh"] for c in app.checks if not c["ok"])
    app.rejection = ((reason or "").strip() or failed or "不予核准")[:300]
    app.status, app.checker, app.decided_at = ApplicationStatus.REJECTED, user, timezone.now()
    app.save()
    audit.record("support_application.reject", object_type="support_application", object_id=app.pk,
                 region_path=path_of(app.person), before=before, after=app_snapshot(app))
    return app
