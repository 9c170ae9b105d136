from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "laobao.registry"
    label = "registry"
    verbose_name = "基础信息库 Registry"
