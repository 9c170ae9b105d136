"""Counter forms of the employment page (job seeker, registration, contacts, certificate, support, assistance).
Amounts are typed in yuan with two decimals and converted to integer fen exactly (Decimal × 100)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (AssistanceKind, AssistanceOutcome, Channel, ContactOutcome, Education, EndGround, HardshipKind,
                     SupportKind)

YES_NO = [("yes", _("是")), ("no", _("否"))]


def _yes(v) -> bool:
    return v == "yes"


def fen(value: Decimal | None) -> int | None:
    return None if value is None else int(value * 100)


class MonthField(forms.CharField):
    def __init__(self, **kw):
        kw.setdefault("max_length", 7)
        kw.setdefault("help_text", _("如 2026-03"))
        super().__init__(**kw)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            if len(text) == 7 and text[4] == "-":
                return date(int(text[:4]), int(text[5:7]), 1)
        except ValueError:
            pass
        raise forms.ValidationError(_("请写成 年-月，如 2026-03"), code="month")


class SeekerForm(forms.Form):
    education = forms.ChoiceField(label=_("文化程度"), choices=[("", "—")] + list(Education.choices), required=False)
    skills = forms.CharField(label=_("技能（逗号分隔）"), max_length=300, required=False)
    skill_level = forms.TypedChoiceField(label=_("职业资格等级"), coerce=int, empty_value=None, required=False,
                                         choices=[("", "—"), (5, _("初级")), (4, _("中级")), (3, _("高级")),
                                                  (2, _("技师")), (1, _("高级技师"))])
    wanted_occupation_code = forms.CharField(label=_("求职工种代码"), max_length=12, required=False,
                                             help_text=_("职业分类大典代码，如 4-01-02-01"))
    wanted_occupation = forms.CharField(label=_("求职工种"), max_length=60, required=False)
    wanted_region_code = forms.CharField(label=_("期望工作地点（区划代码）"), max_length=12, required=False)
    wanted_wage_min = forms.DecimalField(label=_("期望月薪下限（元）"), min_value=0, decimal_places=2, required=False)
    wanted_wage_max = forms.DecimalField(label=_("期望月薪上限（元）"), min_value=0, decimal_places=2, required=False)
    able_to_work = forms.TypedChoiceField(label=_("本人声明有劳动能力"), choices=YES_NO, coerce=_yes)
    willing_to_work = forms.TypedChoiceField(label=_("本人声明有就业要求"), choices=YES_NO, coerce=_yes)
    original_retirement_age = forms.TypedChoiceField(
        label=_("原法定退休年龄（女）"), coerce=int, empty_value=None, required=False,
        choices=[("", _("按性别（男60，女50）")), (50, "50"), (55, "55")])


class RegisterForm(forms.Form):
    registered_on = forms.DateField(label=_("失业登记日期"), help_text=_("如 2026-06-10"))
    involuntary = forms.TypedChoiceField(label=_("是否非因本人意愿中断就业"), coerce=_yes, choices=[
        ("yes", _("是（如合同期满终止、单位解除）")), ("no", _("否（如本人辞职）"))])
    reason = forms.CharField(label=_("中断就业原因"), max_length=100, required=False)
    able_to_work = forms.TypedChoiceField(label=_("本人声明有劳动能力"), choices=YES_NO, coerce=_yes)
    willing_to_work = forms.TypedChoiceField(label=_("本人声明有就业要求"), choices=YES_NO, coerce=_yes)


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("联系日期"))
    channel = forms.ChoiceField(label=_("联系方式"), choices=Channel.choices)
    outcome = forms.ChoiceField(label=_("联系结果"), choices=ContactOutcome.choices)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DeregisterForm(forms.Form):
    ground = forms.ChoiceField(label=_("注销理由"), choices=EndGround.choices)
    ended_on = forms.DateField(label=_("注销日期"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class IssueForm(forms.Form):
    issued_on = forms.DateField(label=_("发证日期"), required=False, help_text=_("不填为今天"))
    confirm = forms.BooleanField(label=_("确认发证"))


class RenewForm(forms.Form):
    confirm = forms.BooleanField(label=_("确认年审续期"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("注销原因"), max_length=200)


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("扶持项目"), choices=SupportKind.choices)
    employer_code = forms.CharField(label=_("招用单位统一社会信用代码"), max_length=18, required=False,
                                    help_text=_("社会保险补贴必填"))
    from_month = MonthField(label=_("补贴起始月"), required=False)
    to_month = MonthField(label=_("补贴终止月"), required=False)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, decimal_places=2, required=False,
                                help_text=_("贷款额或减免额；社会保险补贴按缴费记录计算"))
    business_name = forms.CharField(label=_("经营项目/企业名称"), max_length=100, required=False)


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label=_("困难类别"), choices=HardshipKind.choices)
    source = forms.CharField(label=_("认定依据"), max_length=100, help_text=_("如残疾人证号、民政认定文号、征地批文号"))


class FlagEndForm(forms.Form):
    flag = forms.IntegerField(widget=forms.HiddenInput)


class AssistanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("援助方式"), choices=AssistanceKind.choices)
    acted_on = forms.DateField(label=_("日期"))
    note = forms.CharField(label=_("内容"), max_length=200, required=False)


class OutcomeForm(forms.Form):
    action = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("结果"), choices=[c for c in AssistanceOutcome.choices if c[0] != "pending"])
    outcome_on = forms.DateField(label=_("结果日期"))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("不予核准理由"), max_length=300, required=False)
