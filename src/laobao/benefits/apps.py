from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "laobao.benefits"
    label = "benefits"
    verbose_name = "社会保险待遇 Benefits"

    def ready(self):
        from laobao.registry.signals import employment_started

        from .unemployment.services import on_employment_started

        employment_started.connect(on_employment_started, dispatch_uid="benefits.unemployment.reemployment")
