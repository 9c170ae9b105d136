"""Bilingual domain errors.

Every rejection of user input names the field, the rule that was broken and the fix, in Chinese
and in English at once: a counter caseworker reads the Chinese, an integrator reads the English,
and the API returns both (HTTP 422). Services raise these; views, the API and the CLI render them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One broken rule: which field, which rule (a stable code), and the message in both languages."""

    field: str
    code: str
    zh: str
    en: str

    def text(self, language: str = "zh-hans") -> str:
        return self.en if language.startswith("en") else self.zh

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "zh": self.zh, "en": self.en}

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass
class DomainError(Exception):
    """Raised by services and validators. Holds one or more problems; never a stack trace for users."""

    problems: list[Problem] = field(default_factory=list)

    def __init__(self, *problems: Problem):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)

    @classmethod
    def of(cls, field: str, code: str, zh: str, en: str) -> "DomainError":
        return cls(Problem(field=field, code=code, zh=zh, en=en))

    def as_dict(self) -> dict:
        return {"detail": [p.as_dict() for p in self.problems]}

    def text(self, language: str = "zh-hans") -> str:
        return "；".join(p.text(language) for p in self.problems)


class NotFound(Exception):
    """The object does not exist or is outside the user's jurisdiction (the two are never told apart)."""


class Forbidden(Exception):
    """The user's role does not allow this action at all."""
