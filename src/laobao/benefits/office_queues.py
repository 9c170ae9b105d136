"""失业保险金申领 on the community office dashboard (employment.office): claims received or checked and waiting
for a decision, of persons in the user's jurisdiction. Benefits registers the queue here because employment
must not import benefits (benefits → employment is the one allowed direction); employment.office discovers this
module with ``autodiscover_modules("office_queues")``."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laobao.employment.office import Row, provide, queue

from .models import ClaimStatus
from .unemployment.selectors import claims_visible


@provide("benefit", "claims_waiting")
def claims_waiting(user, on: date, limit: int):
    qs = (claims_visible(user).filter(status__in=[ClaimStatus.RECEIVED, ClaimStatus.CHECKED])
          .select_related("person").order_by("received_on", "pk"))
    return queue("claims_waiting", _("待复核的失业保险金申领"), qs, limit, lambda c: Row(
        c.person.name, f"{c.claim_no} {c.get_status_display()}", c.received_on,
        reverse("benefits:unemployment_claim", args=[c.claim_no])))
