from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "laobao.employment"
    label = "employment"
    verbose_name = "就业服务 Employment services"

    def ready(self):
        # An employment relation or an insurance enrollment that starts ends the open 失业登记 (ground
        # "reemployment"). Benefits' receiver (connected first: INSTALLED_APPS order) also ends it through the
        # same idempotent service while stopping the benefit; whichever runs second finds nothing open.
        from laobao.registry.signals import employment_started

        from .services import on_employment_started

        employment_started.connect(on_employment_started, dispatch_uid="employment.registration.employment_started")
