"""The demo city's public-welfare posts, migrant and rural labour and the north–south exchange (issue 6): every
kind of row is there, made through the services, the books balance, the list pages show the rows, and growing
again adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from laobao.core import services as core_services
from laobao.core.context import acting_as
from laobao.core.models import AuditEvent, User
from laobao.demo import benefits, employment, generator, history, welfare_migrant
from laobao.demo.users import ensure_users
from laobao.ledger import reconcile
from laobao.ledger.models import JournalEntry

SEED = 5


@pytest.fixture
def grown(db):
    """A small city as `laobao demo` builds it, up to this part (training is not needed here)."""
    from laobao.employment.matching.models import MatchingState, Occupation
    from laobao.employment.matching.occupation_data import seed

    seed(Occupation, MatchingState)
    with acting_as(None, username="cli:demo"):
        core_services.regions_sync()
        generator.generate(seed=SEED, persons=600, progress=None)
        history.grow(seed=SEED, progress=None)
        ensure_users(SEED)
        benefits.grow(seed=SEED, progress=None)
        employment.grow(seed=SEED, progress=None)
        return welfare_migrant.grow(seed=SEED, progress=None)


def test_every_kind_of_welfare_and_migrant_row(grown, client):
    from laobao.employment.migrant.models import (ExchangeAgreement, ExchangeGroup, MigrantRegistration, RuralLaborer,
                                                  RuralTransfer)
    from laobao.employment.welfare.models import PayeeAccount, WelfarePlacement, WelfarePost, WelfareSubsidy

    c = grown
    posts = WelfarePost.objects.all()
    assert c["posts"] == posts.count() >= 4
    assert {"cleaning", "assistant"} <= set(posts.values_list("kind", flat=True))
    assert 2 <= posts.values("region").distinct().count() <= 3
    assert not posts.filter(post_subsidy_fen__isnull=True).exists()  # demo amounts stated on the posts
    placements = WelfarePlacement.objects.all()
    assert placements.count() >= 3 and placements.filter(end_date__isnull=False).count() == 1
    for p in placements.select_related("relation", "post"):
        assert all(check["ok"] for check in p.checks) and p.relation.employer_id == p.post.employer_id
        assert p.relation.start_date == p.start_date and (p.relation.end_date == p.end_date)
    sponsors = set(posts.values_list("employer_id", flat=True))
    assert sponsors == set(PayeeAccount.objects.filter(closed_on__isnull=True).values_list("employer_id", flat=True))
    subsidies = WelfareSubsidy.objects.all()
    assert subsidies.count() == c["subsidies"] >= placements.count()
    assert len(set(subsidies.values_list("month", flat=True))) == 2
    assert JournalEntry.objects.filter(kind="welfare_subsidy").count() == subsidies.count()

    migrants = MigrantRegistration.objects.all()
    assert 20 <= migrants.count() <= 40
    assert migrants.values("origin_code").distinct().count() >= 5
    assert not migrants.filter(origin_code__startswith="3205").exists()
    assert migrants.filter(employer__isnull=False, relation__isnull=False).exists()
    assert migrants.filter(ended_on__isnull=False, end_reason="returned").count() == 1
    assert ExchangeAgreement.objects.count() == 1
    group = ExchangeGroup.objects.get()
    assert group.members.exists() and group.headcount >= group.members.count()
    assert RuralLaborer.objects.count() >= 4
    transfers = RuralTransfer.objects.all()
    assert transfers.filter(local=True).exists() and transfers.filter(local=False).exists()
    assert transfers.filter(employer__isnull=False, relation__isnull=False).exists()

    failed = {name: r.differences for name, r in reconcile.run_all() if r.count}
    assert not failed

    client.force_login(User.objects.get(username="city_officer"))
    page = client.get("/employment/welfare/").content.decode()
    assert posts.first().name in page
    assert migrants.first().card_no in client.get("/employment/migrants/").content.decode()
    rural = RuralLaborer.objects.select_related("person").first()
    assert rural.person.name in client.get("/employment/rural/").content.decode()
    assert ExchangeAgreement.objects.get().number in client.get("/employment/exchange/").content.decode()
    community = posts.first().region
    year = timezone.localdate().year
    assert client.get(f"/employment/communities/{community.code}/?year={year}").status_code == 200

    before = (WelfarePlacement.objects.count(), MigrantRegistration.objects.count(), JournalEntry.objects.count())
    with acting_as(None, username="cli:demo"):
        assert welfare_migrant.grow(seed=SEED, progress=None) == c
    assert (WelfarePlacement.objects.count(), MigrantRegistration.objects.count(), JournalEntry.objects.count()) == before
    assert AuditEvent.objects.filter(action=welfare_migrant.MARKER).count() == 1
