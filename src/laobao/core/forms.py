"""Forms of the core back-office pages. They check shape only; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"), max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("密码"), max_length=256, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AuditFilterForm(forms.Form):
    """Filters of the audit log viewer; every field is optional."""

    action = forms.CharField(label=_("操作"), max_length=64, required=False,
                             help_text=_("操作代码或其开头，如 person. 或 auth.login_failed"))
    actor = forms.CharField(label=_("操作人"), max_length=150, required=False)
    object = forms.CharField(label=_("对象"), max_length=130, required=False,
                             help_text=_("类型:编号（如 person:12），或只填类型"))
    date_from = forms.DateField(label=_("起始日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("截止日期不能早于起始日期：请更正日期"))
        return data

    def filter(self, qs):
        """Narrow an already scoped audit queryset by the valid filters."""
        data = self.cleaned_data
        if data.get("action"):
            qs = qs.filter(action__startswith=data["action"].strip())
        if data.get("actor"):
            qs = qs.filter(actor_username=data["actor"].strip())
        if data.get("object"):
            kind, _sep, ident = data["object"].strip().partition(":")
            qs = qs.filter(object_type=kind.strip())
            if ident.strip():
                qs = qs.filter(object_id=ident.strip())
        if data.get("date_from"):
            qs = qs.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            qs = qs.filter(at__date__lte=data["date_to"])
        return qs
