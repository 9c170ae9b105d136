from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "laobao.training"
    label = "training"
    verbose_name = "职业培训 Vocational training"
