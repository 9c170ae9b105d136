"""Forms of the employer hall: hire (增员), leaver (减员), base declaration, template upload."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from laobao.core.identifiers import parse_citizen_id
from laobao.core.errors import DomainError

from .models import ContractKind, Insurance, Reason
from .services import END_REASONS

_MONEY = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


def yuan_to_fen(text: str) -> int:
    text = (text or "").strip().replace(",", "")
    if not _MONEY.match(text):
        raise forms.ValidationError(_("请填写以元为单位、最多两位小数的金额，如 6500 或 6500.50"))
    return int(Decimal(text) * 100)


class MoneyField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return None if value in (None, "") else yuan_to_fen(value)


class CitizenIdField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            return parse_citizen_id(value).number
        except DomainError as exc:
            raise forms.ValidationError(exc.problems[0].zh) from None


DATE = forms.DateInput(attrs={"type": "date"})


class HireForm(forms.Form):
    citizen_id = CitizenIdField(label=_("公民身份号码"), max_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    name = forms.CharField(label=_("姓名"), max_length=50)
    start_date = forms.DateField(label=_("入职日期"), widget=DATE)
    contract_kind = forms.ChoiceField(label=_("合同类型"), choices=ContractKind.choices)
    contract_end = forms.DateField(label=_("合同终止日期"), required=False, widget=DATE,
                                   help_text=_("固定期限合同必填"))
    position = forms.CharField(label=_("岗位"), max_length=60, required=False)
    wage = MoneyField(label=_("起薪（元/月）"), help_text=_("新参保人员当年度的缴费基数"))
    insurances = forms.MultipleChoiceField(label=_("参保险种"), choices=Insurance.choices,
                                           initial=list(Insurance.values), widget=forms.CheckboxSelectMultiple)


class LeaveForm(forms.Form):
    relation = forms.IntegerField(widget=forms.HiddenInput)
    end_date = forms.DateField(label=_("离职日期"), widget=DATE)
    reason = forms.ChoiceField(label=_("减员原因"), choices=[(r.value, r.label) for r in END_REASONS],
                               initial=Reason.LEAVE)


class DeclareForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    wage = MoneyField(label=_("上年度月平均工资（元）"))


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("模板"), choices=[("changes", _("增减员")), ("declarations", _("基数申报"))])
    file = forms.FileField(label=_("文件"), widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
                           help_text=_("本系统下载的 .xlsx 模板，或同样列名的 CSV（UTF-8）"))

    def clean_file(self):
        from laobao.registry.views_files import _has_macros, max_upload

        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("文件类型不支持：只接受 .csv 或 .xlsx 文件"))
        if upload.size > max_upload():
            raise forms.ValidationError(_("文件过大：请拆分为几个较小的文件分别导入"))
        if _has_macros(upload):
            raise forms.ValidationError(_("工作簿含有宏，出于安全不予接受：请另存为不含宏的 .xlsx 或 CSV"))
        return upload
