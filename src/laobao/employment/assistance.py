"""Hard-to-employ flags (recorded ones, with their source) and 就业援助 actions with dates and outcomes.
One transaction each, checked (``employment.write`` in the person's residence region), audited.
The 4050 flag is never recorded: :func:`laobao.employment.selectors.hardship` derives it from the birth date."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from laobao.core import audit
from laobao.registry.models import Person
from laobao.registry.services import check_write

from .models import AssistanceAction, AssistanceKind, AssistanceOutcome, HardshipFlag, HardshipKind
from .services import WRITE, actor, err, locked_person, path_of


def _day(value: date | None, field: str, not_before: date | None = None) -> date:
    today = timezone.localdate()
    value = value or today
    if value > today or (not_before and value < not_before):
        raise err(field, "employment.date", "日期不能晚于今天（也不能早于起始日期）",
                  "the date cannot be in the future (nor before the start)")
    return value


@transaction.atomic
def flag_add(*, user, person: Person, kind: str, source: str, recorded_on: date | None = None) -> HardshipFlag:
    """Record 残疾人 / 零就业家庭 / 被征地农民 with its source (certificate number, civil-affairs finding…)."""
    person = locked_person(user, person)
    if kind not in HardshipKind.values:
        raise err("kind", "hardship.kind", "困难类别取值无效（4050 由出生日期自动判断，无需登记）",
                  "unknown hardship kind (4050 is derived from the birth date, not recorded)")
    if not (source or "").strip():
        raise err("source", "hardship.source", "请填写认定依据（如残疾人证号、民政认定文号、征地批文号）",
                  "state the source (disability card number, civil-affairs finding, land decision number)")
    if HardshipFlag.objects.filter(person=person, kind=kind, ended_on__isnull=True).exists():
        raise err("kind", "hardship.duplicate", "该类别已登记且有效", "this flag is already recorded and open")
    flag = HardshipFlag.objects.create(person=person, kind=kind, source=source.strip()[:100],
                                       recorded_on=_day(recorded_on, "recorded_on"), recorded_by=actor(user))
    audit.record("hardship_flag.add", object_type="hardship_flag", object_id=flag.pk, region_path=path_of(person),
                 after={"person": person.pk, "kind": kind, "source": flag.source})
    return flag


@transaction.atomic
def flag_end(*, user, flag: HardshipFlag, ended_on: date | None = None) -> HardshipFlag:
    flag = HardshipFlag.objects.select_for_update(of=("self",)).select_related("person__residence_region").get(pk=flag.pk)
    check_write(user, flag.person.residence_region, WRITE)
    if flag.ended_on is not None:
        raise err("flag", "hardship.ended", "该标记已结束", "the flag has already ended")
    flag.ended_on = _day(ended_on, "ended_on", flag.recorded_on)
    flag.save(update_fields=["ended_on"])
    audit.record("hardship_flag.end", object_type="hardship_flag", object_id=flag.pk, region_path=path_of(flag.person),
                 after={"ended_on": flag.ended_on.isoformat()})
    return flag


@transaction.atomic
def action_add(*, user, person: Person, kind: str, acted_on: date | None = None, note: str = "") -> AssistanceAction:
    person = locked_person(user, person)
    if kind not in AssistanceKind.values:
        raise err("kind", "assistance.kind", "援助方式取值无效", "unknown kind of assistance")
    act = AssistanceAction.objects.create(person=person, kind=kind, acted_on=_day(acted_on, "acted_on"),
                                          note=(note or "")[:200], recorded_by=actor(user))
    audit.record("assistance.add", object_type="assistance_action", object_id=act.pk, region_path=path_of(person),
                 after={"person": person.pk, "kind": kind, "on": act.acted_on.isoformat()})
    return act


@transaction.atomic
def action_outcome(*, user, action: AssistanceAction, outcome: str, outcome_on: date | None = None) -> AssistanceAction:
    act = (AssistanceAction.objects.select_for_update(of=("self",)).select_related("person__residence_region")
           .get(pk=action.pk))
    check_write(user, act.person.residence_region, WRITE)
    if outcome not in AssistanceOutcome.values or outcome == AssistanceOutcome.PENDING:
        raise err("outcome", "assistance.outcome", "结果须为：已就业、本人放弃、未成功之一",
                  "the outcome must be employed, declined or no result")
    before = {"outcome": act.outcome}
    act.outcome, act.outcome_on = outcome, _day(outcome_on, "outcome_on", act.acted_on)
    act.save(update_fields=["outcome", "outcome_on"])
    audit.record("assistance.outcome", object_type="assistance_action", object_id=act.pk, region_path=path_of(act.person),
                 before=before, after={"outcome": outcome, "on": act.outcome_on.isoformat()})
    return act
