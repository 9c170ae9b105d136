"""Vocational training and certification (职业培训与技能鉴定, issue 6 Must have 8)."""

from __future__ import annotations
