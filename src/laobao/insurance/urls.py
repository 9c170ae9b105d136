"""Pages of the five insurances: records, bills, the employer hall, transfers."""

from django.urls import path

app_name = "insurance"

urlpatterns: list = [
]
