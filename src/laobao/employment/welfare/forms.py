"""Forms of the public-welfare post pages. Amounts typed in yuan with two decimals, converted to fen exactly."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import fen
from .models import PostKind


class PostForm(forms.Form):
    region = forms.CharField(label=_("所在社区区划代码"), max_length=12)
    employer = forms.CharField(label=_("开发单位统一社会信用代码"), max_length=18,
                               help_text=_("社区居委会或用人单位，须已在单位库登记"))
    name = forms.CharField(label=_("岗位名称"), max_length=100)
    kind = forms.ChoiceField(label=_("岗位类别"), choices=PostKind.choices)
    count = forms.IntegerField(label=_("岗位数"), min_value=1, max_value=10_000)
    post_subsidy = forms.DecimalField(label=_("岗位补贴（元/人/月）"), required=False, min_value=0, max_digits=10,
                                      decimal_places=2, help_text=_("留空则按参数标准（未录入标准时不发）"))
    si_subsidy = forms.BooleanField(label=_("发放社会保险补贴"), required=False, initial=True)
    start_date = forms.DateField(label=_("开始日期"))
    end_date = forms.DateField(label=_("结束日期"), required=False)

    def values(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "kind": d["kind"], "count": d["count"], "start_date": d["start_date"],
                "end_date": d["end_date"], "post_subsidy_fen": fen(d["post_subsidy"]), "si_subsidy": d["si_subsidy"]}


class PlaceForm(forms.Form):
    citizen_id = forms.CharField(label=_("公民身份号码"), max_length=18)
    start_date = forms.DateField(label=_("上岗日期"))


class LeaveForm(forms.Form):
    end_date = forms.DateField(label=_("离岗日期"))
    reason = forms.CharField(label=_("离岗原因"), max_length=200)


class AccountForm(forms.Form):
    bank_code = forms.CharField(label=_("银行行别代码"), max_length=3)
    bank_name = forms.CharField(label=_("银行名称"), max_length=60)
    account_no = forms.CharField(label=_("账号"), max_length=30)
    account_name = forms.CharField(label=_("户名"), max_length=200)
