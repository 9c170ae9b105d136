"""Counter forms of the pension claim; amounts typed in yuan become integer fen here (never float)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RetireOption
from .pension.services import ClaimInput

CATEGORIES = [(60, _("男职工（原法定退休年龄 60 岁）")), (55, _("女干部（原法定退休年龄 55 岁）")),
              (50, _("女工人（原法定退休年龄 50 岁）"))]


def yuan_to_fen(text: str, field: str) -> int:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0 or value.as_tuple().exponent < -2:
        raise forms.ValidationError(_("请填写以元为单位、最多两位小数的正数，如 8917 或 8917.50"), code=field)
    return int(value * 100)


class ClaimForm(forms.Form):
    category = forms.TypedChoiceField(label=_("原法定退休年龄（按档案）"), choices=CATEGORIES, coerce=int)
    option = forms.ChoiceField(label=_("退休方式"), choices=RetireOption.choices, initial="normal")
    shift_months = forms.IntegerField(label=_("弹性提前或延迟月数"), min_value=0, max_value=36, initial=0,
                                      help_text=_("按法定年龄退休填 0；弹性退休最多 36 个月"))
    deemed_months = forms.IntegerField(label=_("视同缴费月数（按档案）"), min_value=0, max_value=600, initial=0)
    pre_account_index = forms.CharField(label=_("建账前平均缴费工资指数"), max_length=8, required=False,
                                        help_text=_("有视同缴费年限时必填，如 0.9107"))
    pension_base = forms.CharField(label=_("养老金计发基数（元）"), max_length=12, required=False,
                                   help_text=_("仅当系统没有该退休月份的参数时填写"))
    reference_wages = forms.CharField(label=_("无基数上限年度的参照工资（元/月）"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一个：年度=元，如 1998=650"))
    note = forms.CharField(label=_("档案依据（视同缴费等）"), max_length=300, required=False)

    def clean_pension_base(self):
        text = self.cleaned_data.get("pension_base") or ""
        return yuan_to_fen(text, "pension_base") if text.strip() else None

    def clean_reference_wages(self):
        out = {}
        for line in (self.cleaned_data.get("reference_wages") or "").splitlines():
            if not line.strip():
                continue
            year, _sep, amount = line.partition("=")
            if not year.strip().isdigit() or len(year.strip()) != 4:
                raise forms.ValidationError(_("每行写成 年度=元，如 1998=650"), code="reference_wages")
            out[year.strip()] = yuan_to_fen(amount, "reference_wages")
        return out

    def claim_input(self) -> ClaimInput:
        d = self.cleaned_data
        return ClaimInput(category=d["category"], option=d["option"], shift_months=d["shift_months"] or 0,
                          deemed_months=d["deemed_months"] or 0, pre_account_index=d["pre_account_index"] or None,
                          pension_base_fen=d["pension_base"], reference_wages=d["reference_wages"], note=d["note"])


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("不予核准的理由（申请人会看到，请用通俗的话）"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("不填则以未满足的条件作为理由"))


class BankAccountForm(forms.Form):
    """代发账户 at the counter: a correction is the same form (the current account is closed, never edited)."""

    bank = forms.ChoiceField(label=_("代发银行"), choices=())
    account_no = forms.CharField(label=_("账号或卡号"), max_length=40, help_text=_("12–30 位数字，可含空格"))
    holder_name = forms.CharField(label=_("户名"), max_length=50, help_text=_("须与本人姓名一致"))

    def __init__(self, *args, banks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].choices = [(b.code, f"{b.code} {b.name}") for b in banks]
