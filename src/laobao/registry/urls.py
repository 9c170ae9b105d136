"""Back-office pages of the registry (mounted at the site root)."""

from django.urls import path

from . import views, views_files

urlpatterns = [
    path("persons/", views.person_search, name="person_search"),
    path("persons/new/", views.person_new, name="person_new"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/employments/new/", views.person_relation_new, name="person_relation_new"),
    path("employments/<int:pk>/end/", views.relation_end, name="relation_end"),
    path("employers/", views.employer_search, name="employer_search"),
    path("employers/new/", views.employer_new, name="employer_new"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("regions/", views.region_root, name="region_root"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("conflicts/", views.conflict_list, name="conflict_list"),
    path("conflicts/<int:pk>/resolve/", views.conflict_resolve, name="conflict_resolve"),
    path("imports/", views_files.import_page, name="import_page"),
    path("imports/report/", views_files.import_report, name="import_report"),
    path("exports/", views_files.export_page, name="export_page"),
]
