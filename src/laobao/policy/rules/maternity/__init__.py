"""Maternity allowance (生育津贴).

``calculate`` is the calculator-facing entry point for rule ``maternity``: inputs ``average_wage`` (fen,
the employer's average monthly contribution wage of the previous year), either ``leave_days`` or the
facts that determine them (``births``, default 1; ``difficult_birth``, default false), optional
``birth_date`` (chooses the parameters; default today) and ``region``; outputs ``allowance`` (fen) and
``leave_days``.
"""

from __future__ import annotations

from datetime import date

from ..checks import bad, date_field, need_date, need_region
from .allowance import REFERENCE, Allowance, LeaveDays, MaternityParams, allowance, leave_days, params_for

__all__ = ["REFERENCE", "Allowance", "LeaveDays", "MaternityParams", "allowance", "calculate", "leave_days",
           "params_for"]


def calculate(average_wage, leave_days=None, births=1, difficult_birth=False, birth_date=None, region=None,
              *, today: date | None = None) -> Allowance:
    today = today or date.today()
    on = need_date("birth_date", birth_date) if birth_date is not None else today
    if (on - today).days > 366:
        raise bad("birth_date", "birth_date.future", "birth_date 不能晚于一年之后，请核对日期",
                  "birth_date cannot be more than a year ahead; check the date")
    region = need_region("region", region) if region is not None else None
    with date_field("birth_date"):
        params = params_for(on, region)
    return allowance(average_wage, params, leave_days_given=leave_days, births=births,
                     difficult_birth=difficult_birth)
