"""Vocational training and certification (职业培训与技能鉴定, issue 6 Must have 8), mounted at /training/."""

from __future__ import annotations

from django.urls import path

from . import views, views_public

app_name = "training"

urlpatterns = [
    path("institutions/", views.institutions, name="institutions"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution_detail"),
    path("courses/", views.courses, name="courses"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/status/", views.course_status, name="course_status"),
    path("courses/<int:pk>/enrol/", views.course_enrol, name="course_enrol"),
    path("courses/<int:pk>/attendance/", views.course_attendance, name="course_attendance"),
    path("enrolments/<int:pk>/result/", views.result_new, name="result_new"),
    path("persons/<int:pk>/", views.person_training, name="person_training"),
    path("persons/<int:pk>/enrol/", views.person_enrol, name="person_enrol"),
    path("persons/<int:pk>/certificates/new/", views.certificate_external, name="certificate_external"),
    path("certificates/<str:number>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<str:number>/pdf/", views.certificate_download, name="certificate_pdf"),
    path("certificates/<str:number>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("studios/", views.studios, name="studios"),
    path("verify/", views_public.verify_lookup, name="verify_lookup"),
    path("verify/<str:number>/", views_public.verify, name="verify"),
    path("me/", views_public.my_training, name="my_training"),
    path("me/courses/<int:pk>/enrol/", views_public.my_enrol, name="my_enrol"),
]
