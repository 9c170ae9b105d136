from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "laobao.ledger"
    label = "ledger"
    verbose_name = "复式记账总账 Ledger"
