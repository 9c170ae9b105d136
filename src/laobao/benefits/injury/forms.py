"""Counter forms of a work-injury case; yuan typed become integer fen here (never float)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import yuan_to_fen
from . import grounds
from .models import ApplicantKind


def _fen(form, name):
    text = form.cleaned_data.get(name) or ""
    return yuan_to_fen(text, name) if text.strip() else None


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class ReportForm(forms.Form):
    employer = forms.TypedChoiceField(label=_("用人单位"), coerce=int, choices=[])
    accident_date = _date(_("事故日期"))
    place = forms.CharField(label=_("事故地点"), max_length=200)
    description = forms.CharField(label=_("事故经过"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    applicant_kind = forms.ChoiceField(label=_("申请人"), choices=ApplicantKind.choices)
    received_on = forms.DateField(label=_("受理日期（留空为今天）"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    simple_facts = forms.BooleanField(label=_("事实清楚、权利义务明确（15日内认定）"), required=False)

    def __init__(self, *args, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(e.pk, e.name) for e in employers]


class DecideForm(forms.Form):
    ground = forms.ChoiceField(label=_("认定依据"), choices=[(k, v[0]) for k, v in grounds.ALL.items()])
    reason = forms.CharField(label=_("补充说明（申请人会看到）"), max_length=400, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AssessForm(forms.Form):
    grade = forms.TypedChoiceField(label=_("伤残等级"), coerce=int, empty_value=None,
                                   choices=[("", _("未达到伤残等级"))] + [(g, f"{g}") for g in range(1, 11)],
                                   required=False)
    assessed_on = _date(_("鉴定结论作出日期"))
    wage = forms.CharField(label=_("本人工资（元，仅当缴费记录中没有时填写）"), max_length=12, required=False)
    average_wage = forms.CharField(label=_("统筹地区上年度职工月平均工资（元，参数无值时填写）"), max_length=12,
                                   required=False)
    work_arranged = forms.BooleanField(label=_("五、六级：用人单位已安排适当工作（不发伤残津贴）"), required=False)
    note = forms.CharField(label=_("备注（鉴定结论文号等）"), max_length=300, required=False)

    def clean_wage(self):
        return _fen(self, "wage")

    def clean_average_wage(self):
        return _fen(self, "average_wage")


class DeathForm(forms.Form):
    died_on = _date(_("死亡日期"))
    dependants = forms.CharField(
        label=_("供养亲属（每行：公民身份号码 spouse|other [lone]）"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("须先在人员登记中登记；spouse 配偶 40%，other 其他亲属 30%，lone 孤儿或孤寡老人加 10%"))
    wage = forms.CharField(label=_("本人工资（元，仅当缴费记录中没有时填写）"), max_length=12, required=False)
    average_wage = forms.CharField(label=_("统筹地区上年度职工月平均工资（元，参数无值时填写）"), max_length=12,
                                   required=False)
    national_income = forms.CharField(label=_("上一年度全国城镇居民人均可支配收入（元，参数无值时填写）"), max_length=12,
                                      required=False)
    heir_name = forms.CharField(label=_("丧葬补助金、一次性工亡补助金领取人"), max_length=100, required=False)

    def clean_wage(self):
        return _fen(self, "wage")

    def clean_average_wage(self):
        return _fen(self, "average_wage")

    def clean_national_income(self):
        return _fen(self, "national_income")

    def clean_dependants(self):
        rows = []
        for n, line in enumerate((self.cleaned_data.get("dependants") or "").splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) not in (2, 3) or parts[1] not in ("spouse", "other") or parts[2:] not in ([], ["lone"]):
                raise forms.ValidationError(_("第 %(n)d 行格式应为：公民身份号码 spouse|other [lone]") % {"n": n})
            rows.append((parts[0].upper(), parts[1], len(parts) == 3))
        return rows


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
