from django import template

from laobao.core.audit_labels import action_label

register = template.Library()


@register.filter(name="action_label")
def action_label_filter(action: str) -> str:
    """The audit action in the active language (``person.view`` → 查看人员档案 / Viewed person record)."""
    return action_label(action)
