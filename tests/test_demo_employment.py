"""The demo city's employment services and training (issue 6 Must have 10): every kind of row is there, made
through the services (their invariants hold), the cast's stories are coherent, the pages of the cast show them,
the books balance, and growing again adds nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from laobao.core import services as core_services
from laobao.core.context import acting_as
from laobao.core.models import AuditEvent, User
from laobao.demo import benefits, employment, generator, history, training
from laobao.demo.users import cast_member, ensure_users
from laobao.ledger import reconcile
from laobao.ledger.models import JournalEntry

SEED = 5


@pytest.fixture
def grown(db):
    """A small city with its history, logins, benefits, employment and training — as `laobao demo` builds it
    (one fixture grows it: the journal is append-only and cannot be emptied between tests)."""
    from laobao.employment.matching.models import MatchingState, Occupation
    from laobao.employment.matching.occupation_data import seed

    seed(Occupation, MatchingState)  # a flush by a transactional test elsewhere removes the migration's rows
    with acting_as(None, username="cli:demo"):
        core_services.regions_sync()
        generator.generate(seed=SEED, persons=600, progress=None)
        history.grow(seed=SEED, progress=None)
        ensure_users(SEED)
        benefits.grow(seed=SEED, progress=None)
        work = employment.grow(seed=SEED, progress=None)
        learn = training.grow(seed=SEED, progress=None)
    return work, learn


def test_every_kind_of_employment_and_training_row(grown, client):
    from laobao.employment.models import (AgencyPlacement, AssistanceAction, EmploymentAgency, HardshipFlag, JobFair,
                                          JobFairEmployer, JobSeeker, Referral, RegistrationContact,
                                          ReemploymentCertificate, SupportApplication, UnemploymentRegistration,
                                          Vacancy)
    from laobao.training.models import (Attendance, Certificate, Course, Enrolment, ExamResult, Institution,
                                        SkillMasterStudio, TrainingSubsidy)

    work, learn = grown
    today = timezone.localdate()
    regs = UnemploymentRegistration.objects.all()
    assert work["registrations"] == regs.count() >= 16
    assert set(regs.exclude(end_reason="").values_list("end_reason", flat=True)) == {
        "reemployment", "study", "retired", "moved_away", "no_contact"}
    assert regs.filter(ended_on__isnull=True).count() > regs.count() // 2
    seekers = JobSeeker.objects.filter(person__in=regs.filter(ended_on__isnull=True).values("person"))
    assert seekers.count() == regs.filter(ended_on__isnull=True).count()  # every open registration has its profile
    assert seekers.exclude(wanted_occupation_code="").count() > seekers.count() // 2
    assert RegistrationContact.objects.filter(outcome="not_reached").exists()

    # the office queues are live on the build day
    from laobao.employment import selectors
    officer = User.objects.get(username="city_officer")
    assert selectors.due_for_contact(officer, today)
    renew = selectors.certificates_to_renew(officer, today)
    assert any(c.valid_until >= today for c in renew) and any(c.valid_until < today for c in renew)
    assert selectors.applications_waiting(officer)
    assert selectors.help_next(officer, today)

    certs = ReemploymentCertificate.objects.all()
    assert certs.filter(status="valid", valid_until__gte=today).exists()
    assert certs.filter(status="cancelled").exists() and certs.filter(renewals__gt=0).exists()
    apps = SupportApplication.objects.all()
    assert {"received", "checked", "approved", "rejected"} <= set(apps.values_list("status", flat=True))
    subsidy = apps.get(kind="employer_subsidy", status="approved")
    assert subsidy.checker_id != subsidy.maker_id and subsidy.amount_fen > 0
    entry = JournalEntry.objects.get(idempotency_key=subsidy.posting_key)
    assert entry.kind == "employment_subsidy"
    assert apps.filter(kind="guaranteed_loan", status="approved").exists()

    assert {"disabled", "zero_employment_family", "land_expropriated"} <= set(
        HardshipFlag.objects.values_list("kind", flat=True))
    assert set(AssistanceAction.objects.values_list("outcome", flat=True)) >= {"pending", "employed", "declined"}

    assert EmploymentAgency.objects.filter(kind="public").exists() and EmploymentAgency.objects.filter(kind="private").exists()
    assert AgencyPlacement.objects.count() >= 4 * 3
    fair = JobFair.objects.get()
    assert JobFairEmployer.objects.filter(fair=fair).count() >= 3 and Vacancy.objects.filter(fair=fair).exists()
    vacancies = Vacancy.objects.all()
    assert vacancies.filter(status="open", expires_on__gte=today).exists()
    assert vacancies.filter(status="open", expires_on__lt=today).exists()  # expired
    assert vacancies.filter(status="filled").exists() and vacancies.filter(status="closed").exists()
    assert not vacancies.filter(occupation__isnull=True).exists()
    refs = Referral.objects.all()
    assert set(refs.values_list("outcome", flat=True)) == {"pending", "hired", "rejected", "no_show"}
    for ref in refs.filter(outcome="hired").select_related("relation", "vacancy"):
        # a hire recorded the employment relation, which ended the registration on the employed ground
        assert ref.relation.employer_id == ref.vacancy.employer_id and ref.relation.start_date == ref.outcome_on
        reg = regs.filter(person=ref.person_id).order_by("-registered_on").first()
        assert (reg.ended_on, reg.end_reason) == (ref.outcome_on, "reemployment")

    assert Institution.objects.count() == 4
    assert set(Course.objects.values_list("kind", flat=True)) == {"reemployment", "entrepreneurship", "rural",
                                                                   "enterprise"}
    assert {"open", "closed", "finished"} <= set(Course.objects.values_list("status", flat=True))
    assert Enrolment.objects.filter(channel="self").exists()
    assert {"completed", "failed", "enrolled"} <= set(Enrolment.objects.values_list("status", flat=True))
    assert Attendance.objects.filter(present=False).exists() and Attendance.objects.filter(present=True).exists()
    assert ExamResult.objects.filter(passed=False).exists()
    levels = dict(Certificate.objects.values_list("level").annotate(n=Count("id")).order_by("level"))
    assert set(levels) == {1, 2, 3, 4, 5}
    total = sum(levels.values())
    high, middle, junior = levels[1] + levels[2] + levels[3], levels[4], levels[5]
    assert 0.12 < high / total < 0.30 and 0.45 < middle / total < 0.70 and 0.12 < junior / total < 0.30  # ≈ 20:60:20
    assert SkillMasterStudio.objects.count() == 2
    assert learn["subsidies"] == TrainingSubsidy.objects.count() > 0
    # re-employment training is paid only when the trainee found work (training.subsidy_conditions)
    paid = TrainingSubsidy.objects.filter(enrolment__course__kind="reemployment").select_related("enrolment__course")
    for s in paid:
        e = s.enrolment
        assert e.person.relations.filter(start_date__gte=e.course.start_date, start_date__lte=e.employment_by).exists()
    assert not TrainingSubsidy.objects.filter(enrolment__course__kind="enterprise").exists()

    failed = {name: r.differences for name, r in reconcile.run_all() if r.count}
    assert not failed
    _the_cast_stories_and_their_pages(client)  # one grown city for both (growing it takes a while)

    before = (UnemploymentRegistration.objects.count(), Enrolment.objects.count(), JournalEntry.objects.count())
    with acting_as(None, username="cli:demo"):
        assert employment.grow(seed=SEED, progress=None) == work
        assert training.grow(seed=SEED, progress=None)["subsidies"] == learn["subsidies"]
    assert (UnemploymentRegistration.objects.count(), Enrolment.objects.count(), JournalEntry.objects.count()) == before
    assert AuditEvent.objects.filter(action__in=[employment.MARKER, training.MARKER]).count() == 2


def _the_cast_stories_and_their_pages(client):
    """王芳 (4050, laid off): registered, certificate, counselling, course passed, referred and hired by the clinic —
    her pages show it; 赵磊 passed 中式面点师 中级; 张伟 leads the studio; the public page verifies a certificate."""
    from laobao.benefits.models import Benefit
    from laobao.employment.models import Referral, ReemploymentCertificate, UnemploymentRegistration
    from laobao.training.models import Certificate, TrainingSubsidy

    wang, clinic = cast_member("person", "wangfang"), cast_member("employer", "clinic")
    reg = UnemploymentRegistration.objects.get(person=wang)
    assert reg.end_reason == "reemployment" and reg.ended_on is not None
    cert = ReemploymentCertificate.objects.get(person=wang)
    hire = Referral.objects.get(person=wang, outcome="hired")
    assert hire.vacancy.employer == clinic and hire.vacancy.occupation_id == "4-14-01" and hire.relation.end_date is None
    assert hire.vacancy.status == "filled"
    assert Benefit.objects.get(person=wang, kind="unemployment").status == "stopped"  # the signal stopped it
    course_cert = Certificate.objects.get(person=wang)
    assert course_cert.level == 5 and course_cert.enrolment.course.kind == "reemployment"
    assert TrainingSubsidy.objects.filter(enrolment=course_cert.enrolment).exists()

    client.force_login(User.objects.get(username="caseworker_gusu"))
    page = client.get(f"/employment/persons/{wang.pk}/").content.decode()
    assert cert.number in page and "王芳" in page and "4050" in page
    page = client.get(f"/training/persons/{wang.pk}/").content.decode()
    assert course_cert.number in page and "护理员" in page
    page = client.get(f"/persons/{wang.pk}/").content.decode()
    assert clinic.name in page
    office = client.get("/employment/office/")
    assert office.status_code == 200
    for url in ("/employment/vacancies/", "/employment/fairs/", "/employment/agencies/", "/training/courses/",
                "/training/institutions/", "/training/studios/", f"/employment/vacancies/{hire.vacancy_id}/"):
        assert client.get(url).status_code == 200, url
    assert "张伟纺织织造技能大师工作室" in client.get("/training/studios/").content.decode()

    zhao = cast_member("person", "zhaolei")
    mian = Certificate.objects.get(person=zhao)
    assert (mian.level, mian.occupation_name) == (4, "中式面点师")
    client.logout()
    public = client.get(f"/training/verify/{mian.number}/")
    assert public.status_code == 200 and "中式面点师" in public.content.decode()

    # a registered person still looking: the matches page ranks real vacancies with reasons
    open_reg = (UnemploymentRegistration.objects.filter(ended_on__isnull=True, person__residence_region__path__contains="/320508/")
                .exclude(person=wang).select_related("person").first())
    client.force_login(User.objects.get(username="district_gusu"))
    page = client.get(f"/employment/persons/{open_reg.person_id}/matches/").content.decode()
    assert "职业" in page and client.get(f"/employment/persons/{open_reg.person_id}/").status_code == 200
    assert timezone.localdate() - reg.ended_on < timedelta(days=70)
