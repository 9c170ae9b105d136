"""Counter forms of migrant and rural labor (labels are Chinese msgids)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MigrantEnd, PartnerKind


class MigrantForm(forms.Form):
    citizen_id = forms.CharField(label=_("公民身份号码"), max_length=18)
    arrival_date = forms.DateField(label=_("到达本市日期"))
    registered_on = forms.DateField(label=_("登记日期"), required=False)
    origin_code = forms.CharField(label=_("原籍县级代码（默认户籍地）"), max_length=6, required=False)
    housing = forms.CharField(label=_("住处"), max_length=100, required=False)
    employer = forms.CharField(label=_("用工单位统一社会信用代码"), max_length=18, required=False)
    group = forms.IntegerField(label=_("劳务输入批次编号"), required=False)


class MigrantEndForm(forms.Form):
    ended_on = forms.DateField(label=_("注销日期"))
    reason = forms.ChoiceField(label=_("注销原因"), choices=MigrantEnd.choices)


class RuralForm(forms.Form):
    citizen_id = forms.CharField(label=_("公民身份号码"), max_length=18)
    registered_on = forms.DateField(label=_("登记日期"), required=False)


class TransferForm(forms.Form):
    transferred_on = forms.DateField(label=_("转移就业日期"))
    employer = forms.CharField(label=_("用工单位统一社会信用代码"), max_length=18, required=False)
    business = forms.CharField(label=_("自主创业项目"), max_length=100, required=False)
    local = forms.ChoiceField(label=_("就业地"), choices=[("", _("按单位所在地")), ("1", _("本地")), ("0", _("外出"))],
                              required=False)


class AgreementForm(forms.Form):
    number = forms.CharField(label=_("协议编号"), max_length=40)
    partner_code = forms.CharField(label=_("合作地区代码"), max_length=6)
    partner_name = forms.CharField(label=_("合作地区名称"), max_length=60)
    partner_kind = forms.ChoiceField(label=_("合作地区类别"), choices=PartnerKind.choices)
    signed_on = forms.DateField(label=_("签订日期"))
    valid_until = forms.DateField(label=_("有效期至"), required=False)


class GroupForm(forms.Form):
    agreement = forms.IntegerField(label=_("协议"))
    employer = forms.CharField(label=_("接收单位统一社会信用代码"), max_length=18)
    arrived_on = forms.DateField(label=_("到达日期"))
    headcount = forms.IntegerField(label=_("输入人数"), min_value=1)
