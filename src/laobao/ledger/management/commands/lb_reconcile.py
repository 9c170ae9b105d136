"""laobao reconcile: run every registered ledger identity, print each with its count, exit 1 on any difference.

The checks live in ``laobao.ledger.reconcile`` and in any app's ``reconcile.py`` (registered with
``@check("name")``); this command only runs and prints them.
"""

from django.core.management.base import BaseCommand, CommandError

from laobao.ledger.reconcile import run_all


class Command(BaseCommand):
    help = "Prove the ledger identities (every entry balances, reversals mirror, …); exit 1 on any difference"

    def handle(self, *args, **opts):
        results = run_all()
        failed = 0
        for name, result in results:
            status = "OK  " if result.count == 0 else "FAIL"
            self.stdout.write(f"{status} {name}: {result.checked} checked, {result.count} difference(s)")
            for line in result.differences:
                self.stdout.write(f"       {line}")
            failed += result.count > 0
        if failed:
            raise CommandError(f"reconcile FAILED: {failed} of {len(results)} check(s) found differences "
                               f"/ 对账不平：{failed} 项检查发现差异", returncode=1)
        self.stdout.write(f"reconcile OK: {len(results)} checks, no differences / 对账平衡")
