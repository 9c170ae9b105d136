"""核定 — the monthly assessment batch: ``run(month, employer=None, progress=None) -> Summary``."""

from .service import Summary, run

__all__ = ["Summary", "run"]
