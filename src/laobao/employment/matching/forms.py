"""Forms of the job placement pages: shape only; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laobao.insurance.forms import DATE, MoneyField

from .models import AgencyKind, ReferralOutcome, SkillLevel

SKILL_CHOICES = [("", _("不要求"))] + [(str(v), label) for v, label in SkillLevel.choices]


class VacancyForm(forms.Form):
    title = forms.CharField(label=_("岗位名称"), max_length=100)
    occupation = forms.CharField(label=_("职业代码"), max_length=12,
                                 help_text=_("《职业分类大典（2022年版）》小类或职业代码，如 4-03-02 或 4-03-02-01"))
    skill_level = forms.TypedChoiceField(label=_("技能等级要求"), choices=SKILL_CHOICES, required=False,
                                         coerce=int, empty_value=None)
    wage_min = MoneyField(label=_("月工资下限（元）"))
    wage_max = MoneyField(label=_("月工资上限（元）"))
    count = forms.IntegerField(label=_("招聘人数"), min_value=1, max_value=10_000)
    region = forms.CharField(label=_("工作地点区划代码"), max_length=12, required=False,
                             help_text=_("不填为单位所在地"))
    posted_on = forms.DateField(label=_("发布日期"), widget=DATE)
    expires_on = forms.DateField(label=_("截止日期"), widget=DATE)
    description = forms.CharField(label=_("岗位说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "occupation_code": d["occupation"], "skill_level": d["skill_level"],
                "wage_min_fen": d["wage_min"], "wage_max_fen": d["wage_max"], "count": d["count"],
                "posted_on": d["posted_on"], "expires_on": d["expires_on"], "description": d["description"]}


class CloseForm(forms.Form):
    status = forms.ChoiceField(choices=[("closed", _("关闭")), ("filled", _("已招满")), ("open", _("重新开放"))])


class ReferForm(forms.Form):
    vacancy = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("结果"), choices=[(v, l) for v, l in ReferralOutcome.choices if v != "pending"])
    outcome_on = forms.DateField(label=_("日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class FairForm(forms.Form):
    name = forms.CharField(label=_("招聘会名称"), max_length=120)
    held_on = forms.DateField(label=_("举办日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=200)
    region = forms.CharField(label=_("主办区划代码"), max_length=12)


class FairJoinForm(forms.Form):
    employer = forms.CharField(label=_("单位（统一社会信用代码或单位编号）"), max_length=24)
    booth = forms.CharField(label=_("展位号"), max_length=20, required=False)


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=200)
    kind = forms.ChoiceField(label=_("机构性质"), choices=AgencyKind.choices)
    licence_no = forms.CharField(label=_("许可证编号"), max_length=40)
    region = forms.CharField(label=_("所在区划代码"), max_length=12)
    licensed_on = forms.DateField(label=_("许可日期"), widget=DATE)


class PlacementForm(forms.Form):
    month = forms.DateField(label=_("月份（任一日）"), widget=DATE)
    placed = forms.IntegerField(label=_("介绍成功人数"), min_value=0, max_value=1_000_000)
