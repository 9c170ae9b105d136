"""Calculator adapter for the ``pension`` rule: JSON in (as an approval form states it), JSON out.

In: ``birth_month``, ``retire_month`` ("YYYY-MM"), ``sex``, ``contribution_months`` (deemed months included),
``deemed_months``, ``average_index`` (decimal text), ``account_balance`` (yuan text), optional
``pension_base`` (yuan text: overrides ``wages.pension_base``), ``region``, and for the transitional
pension ``transitional_index``, ``pre_account_months``, ``transitional_formula``, ``transitional_coefficient``
(override the region's parameter, e.g. to try a coefficient). Out: ``basic_pension``, ``account_pension``,
``transitional_pension``, ``total`` (yuan text), ``divisor`` (one decimal), details, ``parameters``, ``formula``.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from .pension import PensionInputs, pension
from .params import params_for
from .transitional import formula as transitional_formula

FIELDS = ("birth_month", "sex", "retire_month", "contribution_months", "deemed_months", "average_index",
          "account_balance", "pension_base", "region", "transitional_index", "pre_account_months",
          "transitional_formula", "transitional_coefficient")


def _inputs(data: dict) -> PensionInputs:
    from laobao.policy.calc import fields
    from laobao.policy.params import check_region

    index = dict(low=Decimal(0), high=Decimal(10), places=6)
    return PensionInputs(
        birth_month=fields.month(data, "birth_month"), sex=fields.sex(data),
        retire_month=fields.month(data, "retire_month"),
        contribution_months=fields.integer(data, "contribution_months", low=0, high=1200),
        deemed_months=fields.integer(data, "deemed_months", low=0, high=1200, optional=True, default=0),
        average_index=fields.decimal(data, "average_index", **index),
        account_balance=fields.money(data, "account_balance"),
        pension_base=fields.money(data, "pension_base", optional=True, minimum=1),
        region=check_region(data.get("region")),
        transitional_index=fields.decimal(data, "transitional_index", optional=True, **index),
        pre_account_months=fields.integer(data, "pre_account_months", low=0, high=1200, optional=True),
    )


def compute(data: dict) -> dict:
    from laobao.policy.calc import fields, parameters_out

    inputs = _inputs(data)
    params = params_for(inputs.retire_month, inputs.region)
    if data.get("transitional_formula") not in (None, ""):
        params = replace(params, transitional_formula=transitional_formula(str(data["transitional_formula"])).name)
    coefficient = fields.decimal(data, "transitional_coefficient", low=Decimal(0), high=Decimal(1), places=6,
                                 optional=True)
    if coefficient is not None:
        params = replace(params, transitional_coefficient=coefficient)
    result = pension(inputs, params)
    return {
        "basic_pension": fields.yuan(result.basic),
        "account_pension": fields.yuan(result.account),
        "transitional_pension": fields.yuan(result.transitional),
        "total": fields.yuan(result.total),
        "divisor": str(result.divisor),
        "retire_age_months": result.age_months,
        "pension_base": fields.yuan(result.pension_base),
        "transitional_formula": params.transitional_formula,
        "transitional_verified": result.explain["transitional_verified"],
        "parameters": parameters_out(params.sources),
        "formula": result.explain["formula"],
    }
