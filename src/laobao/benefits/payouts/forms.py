"""Counter forms of one-time payments: the employer's 单位账户 and the heir an order is paid to."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EmployerAccountForm(forms.Form):
    """单位账户: a correction is the same form (the current account is closed, never edited)."""

    bank = forms.ChoiceField(label=_("开户银行"), choices=())
    account_no = forms.CharField(label=_("单位账号"), max_length=40, help_text=_("12–30 位数字，可含空格；户名为单位名称"))

    def __init__(self, *args, banks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].choices = [(b.code, f"{b.code} {b.name}") for b in banks]


class PayeeForm(forms.Form):
    citizen_id = forms.CharField(label=_("继承人公民身份号码"), max_length=18,
                                 help_text=_("继承人须已在本系统登记并登记代发账户"))
