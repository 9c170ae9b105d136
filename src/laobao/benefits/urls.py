"""Pages of benefits, under /benefits/ (namespace "benefits")."""

from django.urls import path

from . import views, views_community, views_payroll, views_unemployment
from .injury import views as injury_views
from .maternity import views as maternity_views
from .payouts import views as payouts_views

app_name = "benefits"

urlpatterns = [
    path("persons/<int:pk>/pension/", views.person_claims, name="person_claims"),
    path("persons/<int:pk>/pension/new/", views.claim_new, name="claim_new"),
    path("pension/waiting/", views.waiting, name="waiting"),
    path("pension/<str:claim_no>/", views.claim_detail, name="claim_detail"),
    path("pension/<str:claim_no>/approve/", views.claim_approve, name="claim_approve"),
    path("pension/<str:claim_no>/reject/", views.claim_reject, name="claim_reject"),
    path("pension/<str:claim_no>/recheck/", views.claim_recheck, name="claim_recheck"),
    path("pension/<str:claim_no>/withdraw/", views.claim_withdraw, name="claim_withdraw"),
    path("pension/<str:claim_no>/form.pdf", views.claim_pdf, name="claim_pdf"),
    path("persons/<int:pk>/", views_payroll.person_benefits, name="person_benefits"),
    path("persons/<int:pk>/bank-account/", views_payroll.bank_account_new, name="bank_account_new"),
    path("payroll/", views_payroll.payroll_runs, name="payroll_runs"),
    path("payouts/", payouts_views.payouts_page, name="payouts"),
    path("payouts/<int:pk>/payee/", payouts_views.payout_payee, name="payout_payee"),
    path("payouts/employers/<int:pk>/", payouts_views.employer_payouts, name="payouts_employer"),
    path("payouts/employers/<int:pk>/account/", payouts_views.employer_account_new, name="payouts_employer_account"),
    path("community/<str:code>/", views_community.community_retirees, name="community"),
    path("persons/<int:pk>/verify/", views_community.verify, name="verify"),
    path("persons/<int:pk>/community/", views_community.person_community, name="person_community"),
    path("persons/<int:pk>/death/", views_community.death, name="death"),
    path("persons/<int:pk>/unemployment/", views_unemployment.person_unemployment, name="person_unemployment"),
    path("persons/<int:pk>/unemployment/register/", views_unemployment.unemployment_register, name="unemployment_register"),
    path("persons/<int:pk>/unemployment/new/", views_unemployment.unemployment_claim_new, name="unemployment_claim_new"),
    path("unemployment/<str:claim_no>/", views_unemployment.unemployment_claim, name="unemployment_claim"),
    path("unemployment/<str:claim_no>/approve/", views_unemployment.unemployment_approve, name="unemployment_approve"),
    path("unemployment/<str:claim_no>/reject/", views_unemployment.unemployment_reject, name="unemployment_reject"),
    path("persons/<int:pk>/maternity/", maternity_views.person_claims, name="maternity_person"),
    path("persons/<int:pk>/maternity/new/", maternity_views.claim_new, name="maternity_new"),
    path("maternity/<str:claim_no>/", maternity_views.claim_detail, name="maternity_claim"),
    path("maternity/<str:claim_no>/approve/", maternity_views.claim_approve, name="maternity_approve"),
    path("maternity/<str:claim_no>/reject/", maternity_views.claim_reject, name="maternity_reject"),
    path("maternity/<str:claim_no>/recheck/", maternity_views.claim_recheck, name="maternity_recheck"),
    path("persons/<int:pk>/injury/", injury_views.person_injury, name="injury_person"),
    path("persons/<int:pk>/injury/new/", injury_views.injury_report, name="injury_report"),
    path("injury/waiting/", injury_views.injury_waiting, name="injury_waiting"),
    path("injury/awards/<str:award_no>/approve/", injury_views.injury_award_approve, name="injury_award_approve"),
    path("injury/awards/<str:award_no>/reject/", injury_views.injury_award_reject, name="injury_award_reject"),
    path("injury/<str:case_no>/", injury_views.injury_case, name="injury_case"),
    path("injury/<str:case_no>/decide/", injury_views.injury_decide, name="injury_decide"),
    path("injury/<str:case_no>/assess/", injury_views.injury_assess, name="injury_assess"),
    path("injury/<str:case_no>/death/", injury_views.injury_death, name="injury_death"),
]
