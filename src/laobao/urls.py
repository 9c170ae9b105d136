from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("laobao.api.urls")),
    path("", include("laobao.core.urls")),
    path("", include("laobao.registry.urls")),
    path("", include("laobao.kpi.urls")),
    path("", include("laobao.policy.urls")),
    path("", include("laobao.insurance.urls")),
    path("benefits/", include("laobao.benefits.urls")),
    path("employment/", include("laobao.employment.urls")),
    path("training/", include("laobao.training.urls")),
]
