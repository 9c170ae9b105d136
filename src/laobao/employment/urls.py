from django.urls import path

from . import views

app_name = "employment"

urlpatterns: list = [
    path("persons/<int:pk>/", views.person_employment, name="person"),
    path("persons/<int:pk>/seeker/", views.seeker_save, name="seeker_save"),
    path("persons/<int:pk>/register/", views.register, name="register"),
    path("persons/<int:pk>/contact/", views.contact, name="contact"),
    path("persons/<int:pk>/deregister/", views.deregister, name="deregister"),
    path("persons/<int:pk>/certificate/issue/", views.certificate_issue, name="certificate_issue"),
    path("persons/<int:pk>/certificate/renew/", views.certificate_renew, name="certificate_renew"),
    path("persons/<int:pk>/certificate/cancel/", views.certificate_cancel, name="certificate_cancel"),
    path("persons/<int:pk>/applications/new/", views.application_new, name="application_new"),
    path("persons/<int:pk>/flags/", views.flag_add, name="flag_add"),
    path("persons/<int:pk>/flags/end/", views.flag_end, name="flag_end"),
    path("persons/<int:pk>/assistance/", views.assistance_add, name="assistance_add"),
    path("persons/<int:pk>/assistance/outcome/", views.assistance_outcome, name="assistance_outcome"),
    path("applications/<str:number>/", views.application_detail, name="application"),
    path("applications/<str:number>/approve/", views.application_approve, name="application_approve"),
    path("applications/<str:number>/reject/", views.application_reject, name="application_reject"),
    path("office/", views.office, name="office"),
]

from .matching.urls import urlpatterns as _matching_urls  # noqa: E402  职业介绍 (helper G)

urlpatterns += _matching_urls

from .communities.views import community_detail, community_list  # noqa: E402  充分就业社区 (helper F)

urlpatterns += [path("communities/", community_list, name="communities"),
                path("communities/<str:code>/", community_detail, name="community")]

from .welfare.urls import urlpatterns as _welfare_urls  # noqa: E402  公益性岗位, subsidy payments (helper E)

urlpatterns += _welfare_urls

from .migrant import views as migrant_views  # noqa: E402  外来劳动力、农村富余劳动力、南北劳务交流 (helper F)

urlpatterns += [
    path("migrants/", migrant_views.migrants, name="migrants"),
    path("migrants/register/", migrant_views.migrant_register, name="migrant_register"),
    path("migrants/<int:pk>/end/", migrant_views.migrant_end, name="migrant_end"),
    path("rural/", migrant_views.rural, name="rural"),
    path("rural/register/", migrant_views.rural_register, name="rural_register"),
    path("rural/<int:pk>/transfer/", migrant_views.rural_transfer, name="rural_transfer"),
    path("exchange/", migrant_views.exchange, name="exchange"),
    path("exchange/agreements/new/", migrant_views.agreement_new, name="exchange_agreement_new"),
    path("exchange/groups/new/", migrant_views.group_new, name="exchange_group_new"),
]
