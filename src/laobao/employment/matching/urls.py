"""URLs of job placement, appended to ``employment/urls.py`` (namespace "employment")."""

from django.urls import path

from . import views

urlpatterns = [
    path("vacancies/", views.vacancy_list, name="vacancies"),
    path("vacancies/<int:pk>/", views.vacancy_detail, name="vacancy_detail"),
    path("vacancies/<int:pk>/close/", views.vacancy_close, name="vacancy_close"),
    path("vacancies/<int:pk>/edit/", views.vacancy_edit, name="vacancy_edit"),
    path("vacancies/<int:pk>/candidates/", views.vacancy_candidates, name="vacancy_candidates"),
    path("employers/<int:pk>/vacancies/", views.employer_vacancies, name="employer_vacancies"),
    path("employers/<int:pk>/vacancies/new/", views.employer_vacancy_new, name="employer_vacancy_new"),
    path("persons/<int:pk>/matches/", views.person_matches, name="person_matches"),
    path("persons/<int:pk>/refer/", views.person_refer, name="person_refer"),
    path("referrals/<int:pk>/outcome/", views.referral_outcome, name="referral_outcome"),
    path("fairs/", views.fair_list, name="fairs"),
    path("fairs/new/", views.fair_new, name="fair_new"),
    path("fairs/<int:pk>/", views.fair_detail, name="fair_detail"),
    path("fairs/<int:pk>/join/", views.fair_join, name="fair_join"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<int:pk>/placements/", views.agency_placements, name="agency_placements"),
]
