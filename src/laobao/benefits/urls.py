"""Pages of benefits, under /benefits/ (namespace "benefits")."""

from django.urls import path

from . import views, views_community, views_payroll

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
    path("community/<str:code>/", views_community.community_retirees, name="community"),
    path("persons/<int:pk>/verify/", views_community.verify, name="verify"),
    path("persons/<int:pk>/community/", views_community.person_community, name="person_community"),
    path("persons/<int:pk>/death/", views_community.death, name="death"),
]
