"""冲正、退款、认领 through the officer's pages: the reverse button with its confirm form, the refund form on the
employer's credit, the suspense list with its claim form; scoped (foreign payers 404, non-officers 403)."""

from __future__ import annotations

from datetime import date

import pytest
from collection_support import simple_bill, write_csv
from conftest import make_credit_code
from django.urls import reverse

from laobao.core.models import AuditEvent, Role
from laobao.insurance.collection.services import import_payments
from laobao.insurance.models import CreditRefund, Payment, PaymentClaim, PaymentReversal
from laobao.ledger import reconcile
from laobao.ledger.selectors import balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city, make_employer, make_person, make_user, tmp_path):
    emp, person = make_employer(city["c11"], name="邬甲纺织厂"), make_person(city["c11"])
    simple_bill(emp, person, date(2024, 1, 1))
    import_payments(write_csv(tmp_path / "p.csv", [("W1", "bank", emp.credit_code, "400.00", "2024-01-25"),
                                                   ("W2", "bank", make_credit_code(99_999_990), "5.00",
                                                    "2024-01-26")]), progress=None)
    return {"emp": emp, "officer": make_user(Role.DISTRICT_OFFICER, city["gusu"]),
            "foreign": make_user(Role.DISTRICT_OFFICER, city["wuzhong"]),
            "caseworker": make_user(Role.COMMUNITY_CASEWORKER, city["c11"])}


def _clean():
    assert not {name: r.differences[:3] for name, r in reconcile.run_all() if r.count}


def test_reverse_from_the_employer_payments_page(client, world):
    emp = world["emp"]
    client.force_login(world["officer"])
    page = client.get(reverse("insurance:employer_insurance", kwargs={"pk": emp.pk})).content.decode()
    pk = Payment.objects.get(bank_ref="W1").pk
    url = reverse("insurance:payment_reverse", kwargs={"pk": pk})
    assert url in page
    assert "确认冲正" in client.get(url).content.decode()
    refused = client.post(url, {"reason": "银行退回"})  # not confirmed: nothing happens
    assert refused.status_code == 400 and not PaymentReversal.objects.exists()
    done = client.post(url, {"reason": "银行退回", "confirm": "on"})
    assert done.status_code == 302 and PaymentReversal.objects.get().by == world["officer"]
    assert balance(f"receivable:employer:{emp.pk}") == 33000
    again = client.post(url, {"reason": "银行退回", "confirm": "on"})
    assert again.status_code == 400 and "已冲正过" in again.content.decode()
    assert "已冲正" in client.get(reverse("insurance:employer_insurance", kwargs={"pk": emp.pk})).content.decode()
    assert AuditEvent.objects.filter(action="insurance.payment_reverse").count() == 1
    _clean()


def test_correction_pages_are_for_officers_in_jurisdiction(client, world):
    pk = Payment.objects.get(bank_ref="W1").pk
    url = reverse("insurance:payment_reverse", kwargs={"pk": pk})
    client.force_login(world["foreign"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "银行退回", "confirm": "on"}).status_code == 404
    client.force_login(world["caseworker"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("insurance:suspense")).status_code == 403
    credit = client.get(reverse("insurance:employer_credit", kwargs={"pk": world["emp"].pk}))
    assert credit.status_code == 200 and "确认退款" not in credit.content.decode()  # reads, no form
    assert not PaymentReversal.objects.exists()


def test_refund_form_on_the_employer_credit(client, world):
    emp = world["emp"]
    client.force_login(world["officer"])
    url = reverse("insurance:employer_refund", kwargs={"pk": emp.pk})
    too_much = client.post(url, {"amount": "70.01", "bank_account": "工行 6222 0000 1111", "reason": "多缴退款"})
    assert too_much.status_code == 400 and "超过留抵余额" in too_much.content.decode()
    ok = client.post(url, {"amount": "70.00", "bank_account": "工行 6222 0000 1111", "reason": "多缴退款"})
    assert ok.status_code == 302 and CreditRefund.objects.get().amount_fen == 7000
    page = client.get(reverse("insurance:employer_credit", kwargs={"pk": emp.pk})).content.decode()
    assert "6222 0000 1111" in page and balance(f"credit:employer:{emp.pk}") == 0
    _clean()


def test_suspense_list_and_claim(client, world):
    emp = world["emp"]
    client.force_login(world["officer"])
    page = client.get(reverse("insurance:suspense")).content.decode()
    assert '<td class="code">W2</td>' in page and '<td class="code">W1</td>' not in page
    pk = Payment.objects.get(bank_ref="W2").pk
    url = reverse("insurance:suspense_claim", kwargs={"pk": pk})
    bad = client.post(url, {"payer_code": "91320000MA1XXXXXX0", "reason": "单位认领"})
    assert bad.status_code == 400 and not PaymentClaim.objects.exists()
    ok = client.post(url, {"payer_code": emp.credit_code, "reason": "单位来函认领"})
    assert ok.status_code == 302 and PaymentClaim.objects.get().employer_id == emp.pk
    assert "(0)" in client.get(reverse("insurance:suspense")).content.decode()  # the list is empty
    assert balance("suspense:unmatched") == 0 and balance(f"credit:employer:{emp.pk}") == 7500
    _clean()
