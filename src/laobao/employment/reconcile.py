"""Reconciliation checks of the employment app (discovered by ``laobao reconcile``)."""

from .welfare import reconcile as _welfare  # noqa: F401  subsidies: payables = owed − paid lines; bank lines
