"""Counter forms of community management: a verification and a death record. Grants typed in yuan become
integer fen here (Decimal, never float); Jiangsu's amounts are not in the parameters, so the caseworker
enters them and the record says so."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import VerificationChannel


def grant_fen(text: str) -> int:
    text = (text or "").strip().replace(",", "")
    if not text:
        return 0
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:
        raise forms.ValidationError(_("请填写以元为单位、最多两位小数的金额，如 3000 或 3000.50；没有则留空"))
    return int(value * 100)


class VerifyForm(forms.Form):
    channel = forms.ChoiceField(label=_("认证方式"), choices=VerificationChannel.choices)
    verified_on = forms.DateField(label=_("认证日期"), required=False, help_text=_("留空为今天"))
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


class DeathForm(forms.Form):
    died_on = forms.DateField(label=_("死亡日期"))
    source = forms.CharField(label=_("信息来源"), max_length=100, help_text=_("如公安户籍注销、死亡医学证明、家属申报"))
    heir_name = forms.CharField(label=_("继承人（领款人）姓名"), max_length=50, required=False)
    heir_citizen_id = forms.CharField(label=_("继承人公民身份号码"), max_length=18, required=False,
                                      help_text=_("继承人已在本系统登记时填写：丧葬补助金等打入其代发账户；留空则由区、市经办机构在“一次性待遇发放”页指定"))
    funeral_grant = forms.CharField(label=_("丧葬补助金（元）"), required=False,
                                    help_text=_("按当地标准人工录入（江苏标准未录入参数）"))
    survivor_grant = forms.CharField(label=_("遗属抚恤金（元）"), required=False,
                                     help_text=_("按当地标准人工录入（江苏标准未录入参数）"))

    def clean_funeral_grant(self):
        return grant_fen(self.cleaned_data.get("funeral_grant", ""))

    def clean_survivor_grant(self):
        return grant_fen(self.cleaned_data.get("survivor_grant", ""))
