from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "laobao.policy"
    label = "policy"
    verbose_name = "政策参数与计算规则 Policy"
