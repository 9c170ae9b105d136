"""Manual check of the UnemploymentRegistration move (not collected by pytest): migrate a fresh database to
benefits 0005, write a registration and a claim with the historical models, migrate to the end, read them back
through the employment model, then ``makemigrations --check``. Run on a throwaway database:

    DATABASE_URL=sqlite:////tmp/move.sqlite3 LAOBAO_ENV=dev PYTHONPATH=src .venv/bin/python tests/employment/employment_migration_check.py
    bash scripts/with-postgres.sh env LAOBAO_ENV=dev PYTHONPATH=src .venv/bin/python tests/employment/employment_migration_check.py
"""
import datetime as dt
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laobao.settings")
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.core.management import call_command

ex = MigrationExecutor(connection)
ex.migrate([("benefits", "0005_unemployment")])
apps = MigrationExecutor(connection).loader.project_state([("benefits", "0005_unemployment")]).apps
Person = apps.get_model("registry", "Person"); User = apps.get_model("core", "User")
Reg = apps.get_model("benefits", "UnemploymentRegistration"); Claim = apps.get_model("benefits", "UnemploymentClaim")
u = User.objects.create(username="mig", role="city_officer")
p = Person.objects.create(citizen_id="320508198001011234", name="迁移甲", sex="M", birth_date=dt.date(1980, 1, 1),
                          hukou_type="urban", hukou_region_code="320508")
r = Reg.objects.create(person=p, registered_on=dt.date(2026, 6, 1), involuntary=True, reason="期满", registered_by=u)
Claim.objects.create(claim_no="SYJ202606010001", person=p, registration=r, received_on=dt.date(2026, 6, 2),
                     claim_month=dt.date(2026, 6, 1), status="received", maker=u)
call_command("migrate", verbosity=0)
from laobao.employment.models import UnemploymentRegistration
from laobao.benefits.unemployment.models import UnemploymentClaim
reg = UnemploymentRegistration.objects.get()
claim = UnemploymentClaim.objects.select_related("registration").get()
assert reg.reason == "期满" and reg.checks == [] and claim.registration == reg, (reg, claim)
print("kept:", reg.pk, reg.person.name, reg.registered_on, claim.claim_no, "->", type(claim.registration).__module__)
call_command("makemigrations", "employment", "--check", "--dry-run", verbosity=1)
