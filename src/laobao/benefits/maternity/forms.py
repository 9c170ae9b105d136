"""Counter form of the maternity claim; the wage typed in yuan becomes integer fen here (never float)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import yuan_to_fen
from .models import PaidTo
from .services import MaternityInput


class MaternityForm(forms.Form):
    employer = forms.TypedChoiceField(label=_("参保单位"), coerce=int, choices=[])
    birth_date = forms.DateField(label=_("生育日期"), widget=forms.DateInput(attrs={"type": "date"}))
    births = forms.IntegerField(label=_("胎数（婴儿数）"), min_value=1, max_value=9, initial=1)
    difficult_birth = forms.BooleanField(label=_("难产"), required=False)
    leave_days = forms.IntegerField(label=_("产假天数（仅流产等情形直接填写）"), min_value=1, max_value=1000, required=False,
                                    help_text=_("留空则按参数计算：基本产假 + 难产 + 多胞胎 + 江苏延长产假"))
    average_wage = forms.CharField(label=_("单位上年度职工月平均工资（元）"), max_length=12, required=False,
                                   help_text=_("仅当参保记录中没有该单位前12个月的缴费基数时填写"))
    paid_to = forms.ChoiceField(label=_("发放对象（参数未规定时由经办人选择）"), required=False,
                                choices=[("", "—")] + list(PaidTo.choices))
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(e.pk, e.name) for e in employers]

    def clean_average_wage(self):
        text = self.cleaned_data.get("average_wage") or ""
        return yuan_to_fen(text, "average_wage") if text.strip() else None

    def maternity_input(self) -> MaternityInput:
        d = self.cleaned_data
        return MaternityInput(birth_date=d["birth_date"], births=d["births"], difficult_birth=d["difficult_birth"],
                              leave_days=d["leave_days"], average_wage_fen=d["average_wage"], paid_to=d["paid_to"],
                              note=d["note"])


class MaternityRejectForm(forms.Form):
    reason = forms.CharField(label=_("不予核准的理由（申请人会看到）"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
