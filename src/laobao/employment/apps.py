from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "laobao.employment"
    label = "employment"
    verbose_name = "就业服务 Employment services"
