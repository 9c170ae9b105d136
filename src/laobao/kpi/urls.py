from django.urls import path

from . import views

urlpatterns = [path("indicators/", views.indicators, name="indicators")]
