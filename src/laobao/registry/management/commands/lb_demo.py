"""laobao demo: generate the synthetic demo city and print the demo logins."""

from django.core.management.base import BaseCommand, CommandError

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.demo import generator
from laobao.demo.users import ensure_users


class Command(BaseCommand):
    help = "Generate the deterministic demo city (persons, employers, relations) and the demo logins"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED)
        parser.add_argument("--persons", type=int, default=generator.DEFAULT_PERSONS)
        parser.add_argument("--employers", type=int, default=None, help="default: persons / 10")
        parser.add_argument("--if-empty", action="store_true",
                            help="skip generation when the database already holds persons (still prints the logins)")
        parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")

    def handle(self, *args, seed, persons, employers, if_empty, quiet, **opts):
        if persons < 1 or (employers is not None and employers < 1):
            raise CommandError("--persons 与 --employers 须为正整数 / --persons and --employers must be positive",
                               returncode=2)
        with acting_as(None, username="cli:demo"):
            try:
                if if_empty and not generator.city_is_empty():
                    self.stdout.write("demo: persons already exist, generation skipped (--if-empty)")
                else:
                    s = generator.generate(seed=seed, persons=persons, employers=employers,
                                           progress=None if quiet else self.stderr)
                    self.stdout.write(
                        f"demo city (seed {s.seed}): {s.persons} persons, {s.employers} employers, "
                        f"{s.relations} employment relations, {s.communities_created} communities created "
                        f"in {s.seconds} s"
                    )
                self._history(seed, quiet)
                logins = ensure_users(seed)
                self._benefits(seed, quiet)
                self._employment(seed, quiet)
            except DomainError as exc:
                raise CommandError(exc.text("zh-hans") + "\n" + exc.text("en"), returncode=1) from None
        self._print_logins(logins, seed)

    def _history(self, seed, quiet):
        """Two years of insurance history (resumable: an interrupted run continues)."""
        from laobao.demo import history

        if history.done():
            return
        counts = history.grow(seed=seed, progress=None if quiet else self.stderr)
        self.stdout.write(f"demo history: {counts['months']} months assessed and paid "
                          f"({history.FIRST:%Y-%m}–{history.LAST:%Y-%m}), {counts['bills']} bills, "
                          f"{counts['transfers']} transfers")

    def _benefits(self, seed, quiet):
        """Retirees, payrolls, verifications, a death, claims (after the logins: claims need a maker and a checker)."""
        from laobao.demo import benefits

        if benefits.done():
            return
        c = benefits.grow(seed=seed, progress=None if quiet else self.stderr)
        self.stdout.write(f"demo benefits: {c['pensions']} pensions ({c['suspended']} suspended), "
                          f"{c['unemployment']} unemployment benefits, {c['maternity']} maternity allowances, "
                          f"{c['payroll_runs']} payroll runs, "
                          f"{c['payment_lines']} payment lines")

    def _employment(self, seed, quiet):
        """Employment services and training (issue 6): registrations, certificates, vacancies, referrals, courses."""
        from laobao.demo import employment, training

        progress = None if quiet else self.stderr
        if not employment.done():
            c = employment.grow(seed=seed, progress=progress)
            self.stdout.write(f"demo employment: {c['registrations']} unemployment registrations ({c['open_registrations']} "
                              f"open), {c['certificates']} re-employment certificates, {c['applications']} support "
                              f"applications, {c['vacancies']} vacancies, {c['referrals']} referrals "
                              f"({c['hired']} hired)")
        if not training.done():
            c = training.grow(seed=seed, progress=progress)
            self.stdout.write(f"demo training: {c['institutions']} institutions, {c['courses']} courses, "
                              f"{c['enrolments']} enrolments, {c['certificates']} certificates, "
                              f"{c['subsidies']} training subsidies")
        from laobao.demo import welfare_migrant

        if not welfare_migrant.done():
            c = welfare_migrant.grow(seed=seed, progress=progress)
            self.stdout.write(f"demo welfare/migrant: {c['posts']} public-welfare posts, {c['placements']} placements "
                              f"({c['left']} left), {c['subsidies']} post subsidies, {c['migrants']} migrant "
                              f"registrations ({c['migrants_ended']} ended), {c['rural']} rural laborers "
                              f"({c['transfers']} transfers), {c['groups']} exchange groups")

    def _print_logins(self, logins, seed):
        self.stdout.write(f"\n演示账号 / demo logins (seed {seed}; demo only, never in production):")
        header = ("username", "role", "region", "password")
        rows = [(lg.username, lg.role, lg.region, lg.password + ("" if lg.created else " *")) for lg in logins]
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            self.stdout.write("  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip())
        self.stdout.write("  citizen / employer_user：后台不对其开放，可用 API /api/v1/me（自助服务门户在后续版本）/ "
                          "no back-office access: use the API (/api/v1/me) until the self-service portal lands")
        if any(not lg.created for lg in logins):
            self.stdout.write("  * 账号已存在：密码为本种子的演示密码，除非已被修改 / "
                              "account already existed: the demo password of this seed, unless it was changed")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
