"""调待方案 IndexationScheme: what one year's indexation explanation says for everyone, stored once.

``texts`` is ``policy.rules.pension.indexation.texts(scheme)``: the labels, the formula wording with the
person's figures left as fields, the flat amount and the amount per contribution year, the notice (reference,
status). An indexation rate (``BenefitRate`` reason indexation, compact form, ADR 0019-D) names its scheme row
and its base rate and carries only the person's figures; ``indexation.explain`` renders the lines from both.
``key`` = ``<year>:<sha256 of texts>``: a re-run of the year finds its row; a year run again after its
parameter was corrected gets a second row (the rates already written keep naming the first). Append-only.
"""

from __future__ import annotations

from django.db import models


class IndexationScheme(models.Model):
    key = models.CharField(max_length=40, unique=True)
    year = models.PositiveSmallIntegerField()
    effective = models.DateField()
    texts = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "id"]

    def __str__(self) -> str:
        return f"{self.year} 调待 ({self.key})"
