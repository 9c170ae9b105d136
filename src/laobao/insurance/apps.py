from django.apps import AppConfig


class InsuranceConfig(AppConfig):
    name = "laobao.insurance"
    label = "insurance"
    verbose_name = "社会保险五险合一 Insurance"
