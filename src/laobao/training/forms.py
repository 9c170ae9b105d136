"""Forms of the training pages: shape only; the rules are the services' (bilingual problems)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CourseKind, Level, Ownership, StudioLevel

_DATE = forms.DateInput(attrs={"type": "date"})


class InstitutionForm(forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=200)
    licence_no = forms.CharField(label=_("办学许可证号"), max_length=40)
    region_code = forms.CharField(label=_("所在区划代码"), max_length=12)
    ownership = forms.ChoiceField(label=_("性质"), choices=Ownership.choices)


class CourseForm(forms.Form):
    code = forms.CharField(label=_("课程编号"), max_length=30)
    name = forms.CharField(label=_("课程名称"), max_length=120)
    kind = forms.ChoiceField(label=_("培训类别"), choices=CourseKind.choices)
    occupation_code = forms.CharField(label=_("职业代码"), max_length=12, help_text=_("如 6-04-01-01 或其前缀 6-04"))
    occupation_name = forms.CharField(label=_("职业（工种）名称"), max_length=60, required=False)
    target_level = forms.TypedChoiceField(label=_("目标等级"), choices=Level.choices, coerce=int)
    start_date = forms.DateField(label=_("开课日期"), widget=_DATE)
    end_date = forms.DateField(label=_("结业日期"), widget=_DATE)
    capacity = forms.IntegerField(label=_("招生人数"), min_value=1, max_value=10_000)
    pass_mark = forms.IntegerField(label=_("合格分数线（空则按参数）"), min_value=1, max_value=100, required=False)


class EnrolForm(forms.Form):
    citizen_id = forms.CharField(label=_("公民身份号码"), max_length=24, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class ResultForm(forms.Form):
    exam_date = forms.DateField(label=_("考核日期"), widget=_DATE)
    theory = forms.IntegerField(label=_("理论成绩"), min_value=0, max_value=100)
    practical = forms.IntegerField(label=_("操作成绩"), min_value=0, max_value=100)


class ExternalCertificateForm(forms.Form):
    level = forms.TypedChoiceField(label=_("等级"), choices=Level.choices, coerce=int)
    occupation_code = forms.CharField(label=_("职业代码"), max_length=12)
    occupation_name = forms.CharField(label=_("职业（工种）名称"), max_length=60, required=False)
    issuing_body = forms.CharField(label=_("发证机构"), max_length=120)
    issued_on = forms.DateField(label=_("发证日期"), widget=_DATE)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=300)


class StudioForm(forms.Form):
    name = forms.CharField(label=_("工作室名称"), max_length=120)
    master_citizen_id = forms.CharField(label=_("技能大师公民身份号码"), max_length=24)
    institution = forms.IntegerField(label=_("所在培训机构编号"), required=False, min_value=1)
    employer_code = forms.CharField(label=_("所在单位统一社会信用代码"), max_length=18, required=False)
    level = forms.ChoiceField(label=_("级别"), choices=StudioLevel.choices)
    approved_on = forms.DateField(label=_("批准日期"), widget=_DATE)


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("证书编号"), max_length=40)
