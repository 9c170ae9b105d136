"""Pages of the five insurances: records, bills, the employer hall, transfers."""

from django.urls import path

from . import views as record_views
from . import views_corrections, views_hall, views_transfers

app_name = "insurance"

urlpatterns: list = [
    path("hall/", views_hall.hall_home, name="hall"),
    path("hall/report/", views_hall.hall_report, name="hall_report"),
    path("hall/<int:pk>/", views_hall.hall_employer, name="hall_employer"),
    path("hall/<int:pk>/hire/", views_hall.hall_hire, name="hall_hire"),
    path("hall/<int:pk>/leave/", views_hall.hall_leave, name="hall_leave"),
    path("hall/<int:pk>/declare/", views_hall.hall_declare, name="hall_declare"),
    path("hall/<int:pk>/template/<str:kind>/", views_hall.hall_template, name="hall_template"),
    path("hall/<int:pk>/upload/", views_hall.hall_upload, name="hall_upload"),
    # the contribution record, bills, arrears and documents (insurance/views.py)
    path("persons/<int:pk>/record/", record_views.person_record, name="person_record"),
    path("persons/<int:pk>/record/<int:year>.pdf", record_views.person_rights_pdf, name="person_rights_pdf"),
    path("me/record/", record_views.my_record, name="my_record"),
    path("me/record/<int:year>.pdf", record_views.my_rights_pdf, name="my_rights_pdf"),
    path("employers/<int:pk>/insurance/", record_views.employer_insurance, name="employer_insurance"),
    path("employers/<int:pk>/statement.<str:fmt>", record_views.employer_statement, name="employer_statement"),
    path("bills/<int:pk>/", record_views.bill_detail, name="bill_detail"),
    # 关系转移接续 (insurance/views_transfers.py)
    path("persons/<int:pk>/transfers/", views_transfers.person_transfers, name="person_transfers"),
    path("persons/<int:pk>/transfers/out/", views_transfers.transfer_out, name="transfer_out"),
    path("persons/<int:pk>/transfers/in/", views_transfers.transfer_in, name="transfer_in"),
    path("transfers/<int:pk>/certificate.pdf", views_transfers.transfer_certificate, name="transfer_certificate"),
    # 冲正、退款、认领 (insurance/views_corrections.py)
    path("payments/<int:pk>/reverse/", views_corrections.payment_reverse, name="payment_reverse"),
    path("employers/<int:pk>/credit/", views_corrections.employer_credit, name="employer_credit"),
    path("employers/<int:pk>/credit/refund/", views_corrections.employer_refund, name="employer_refund"),
    path("payments/suspense/", views_corrections.suspense, name="suspense"),
    path("payments/suspense/<int:pk>/claim/", views_corrections.suspense_claim, name="suspense_claim"),
]
