from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "laobao.kpi"
    label = "kpi"
    verbose_name = "指标 Indicators"

    def ready(self) -> None:
        # Each app registers its indicators from its own ``indicators`` module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("indicators")
