"""Pension at retirement (国发〔2005〕38号): basic, account and transitional pension, one person or a column.

Public API: :func:`pension` / :func:`pension_columns` with :class:`PensionInputs` and :class:`PensionParams`
(from :func:`params_for`); the parts :func:`basic_pension`, :func:`account_pension`, :func:`divisor`,
:func:`divisor_tenths`; the transitional formula registry in :mod:`.transitional`.
"""

from . import transitional
from .basic import account_pension, account_pension_columns, basic_pension, basic_pension_columns
from .divisor import divisor, divisor_tenths, divisor_tenths_columns
from .params import params_for
from .pension import REFERENCE, Pension, PensionColumns, PensionInputs, PensionParams, pension, pension_columns

__all__ = [
    "REFERENCE", "Pension", "PensionColumns", "PensionInputs", "PensionParams", "account_pension",
    "account_pension_columns", "basic_pension", "basic_pension_columns", "divisor", "divisor_tenths",
    "divisor_tenths_columns", "params_for", "pension", "pension_columns", "transitional",
]
