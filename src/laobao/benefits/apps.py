from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "laobao.benefits"
    label = "benefits"
    verbose_name = "社会保险待遇 Benefits"
