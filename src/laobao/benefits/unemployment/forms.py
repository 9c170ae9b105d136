"""Counter forms of 失业登记 and the unemployment claim."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _


class RegistrationForm(forms.Form):
    registered_on = forms.DateField(label=_("失业登记日期"), help_text=_("如 2026-06-10"))
    involuntary = forms.TypedChoiceField(label=_("是否非因本人意愿中断就业"), coerce=lambda v: v == "yes", choices=[
        ("yes", _("是（如合同期满终止、单位解除）")), ("no", _("否（如本人辞职）"))])
    reason = forms.CharField(label=_("中断就业原因"), max_length=100, required=False)


class UnemploymentClaimForm(forms.Form):
    month = forms.CharField(label=_("计发月份（按该月最低工资标准）"), max_length=7, required=False,
                            help_text=_("如 2026-11；不填为本月"))

    def clean_month(self) -> date | None:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        try:
            if len(text) == 7 and text[4] == "-":
                return date(int(text[:4]), int(text[5:7]), 1)
        except ValueError:
            pass
        raise forms.ValidationError(_("请写成 年-月，如 2026-11"), code="month")
