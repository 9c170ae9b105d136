from django.urls import path

from . import views

urlpatterns = [
    path("calc/", views.index, name="calc_index"),
    path("calc/<slug:name>/", views.rule_page, name="calc_rule"),
]
