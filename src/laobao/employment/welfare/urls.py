"""URLs of 公益性岗位 and subsidy payments, appended to ``employment/urls.py`` (namespace "employment")."""

from django.urls import path

from . import views

urlpatterns = [
    path("welfare/", views.post_list, name="welfare_posts"),
    path("welfare/posts/new/", views.post_new, name="welfare_post_new"),
    path("welfare/posts/<int:pk>/", views.post_detail, name="welfare_post"),
    path("welfare/posts/<int:pk>/place/", views.place, name="welfare_place"),
    path("welfare/posts/<int:pk>/account/", views.account, name="welfare_account"),
    path("welfare/placements/<int:pk>/leave/", views.leave, name="welfare_leave"),
    path("welfare/subsidies/", views.subsidies, name="welfare_subsidies"),
    path("welfare/payments/", views.payments, name="welfare_payments"),
]
