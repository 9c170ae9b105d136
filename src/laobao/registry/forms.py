"""Forms of the registry pages. They check shape only (required, length, date syntax); the rules
(GB 11643, GB 32100, regions, overlaps) are the services', which answer with bilingual problems.

Field names match the ``field`` of the services' problems so an error lands on its input.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EmployerSize, EmployerStatus, EmployerType, HukouType, Industry

_DATE = {"type": "date"}


def _choices(text_choices):
    return [("", "—")] + list(text_choices.choices)


class PersonEditForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    hukou_type = forms.ChoiceField(label=_("户口性质"), choices=_choices(HukouType))
    hukou_region_code = forms.CharField(label=_("户籍地区划代码"), max_length=6,
                                        help_text=_("6位 GB/T 2260 代码，如 320508"))
    residence_region = forms.CharField(label=_("居住社区代码"), max_length=12,
                                       help_text=_("12位统计用区划代码（社区/村）"))
    mobile = forms.CharField(label=_("手机号码"), max_length=20, required=False)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "hukou_type": d["hukou_type"], "hukou_region_code": d["hukou_region_code"],
                "residence_region_code": d["residence_region"], "mobile": d["mobile"]}


class PersonRegisterForm(PersonEditForm):
    citizen_id = forms.CharField(label=_("公民身份号码"), max_length=24,
                                 help_text=_("18位（旧版15位自动升位）；性别和出生日期由号码得出"),
                                 widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))

    field_order = ["citizen_id", "name", "hukou_type", "hukou_region_code", "residence_region", "mobile"]

    def service_kwargs(self) -> dict:
        return {"citizen_id": self.cleaned_data["citizen_id"], **super().service_kwargs()}


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看理由"), max_length=200,
                             help_text=_("至少4个字，如“核对参保登记”；将记入审计日志"))


class RelationStartForm(forms.Form):
    employer = forms.CharField(label=_("用人单位"), max_length=32,
                               help_text=_("统一社会信用代码、组织机构代码或单位编号"))
    start_date = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs=_DATE))
    end_date = forms.DateField(label=_("终止日期"), required=False, widget=forms.DateInput(attrs=_DATE))


class RelationEndForm(forms.Form):
    end_date = forms.DateField(label=_("终止日期"), widget=forms.DateInput(attrs=_DATE))


class EmployerRegisterForm(forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=24, required=False,
                                  widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
    org_code = forms.CharField(label=_("组织机构代码"), max_length=12, required=False,
                               help_text=_("尚未换发信用代码的老单位填写"))
    name = forms.CharField(label=_("单位名称"), max_length=200)
    type = forms.ChoiceField(label=_("单位类型"), choices=_choices(EmployerType))
    industry = forms.ChoiceField(label=_("行业门类"), choices=_choices(Industry))
    size = forms.ChoiceField(label=_("单位规模"), choices=_choices(EmployerSize))
    region = forms.CharField(label=_("所在街道或社区代码"), max_length=12,
                             help_text=_("12位统计用区划代码"))
    status = forms.ChoiceField(label=_("单位状态"), choices=EmployerStatus.choices, initial=EmployerStatus.ACTIVE)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"credit_code": d["credit_code"], "org_code": d["org_code"], "name": d["name"], "type": d["type"],
                "industry": d["industry"], "size": d["size"], "region_code": d["region"], "status": d["status"]}


class ConflictResolveForm(forms.Form):
    choice = forms.ChoiceField(choices=[("keep", "keep"), ("take", "take")])
