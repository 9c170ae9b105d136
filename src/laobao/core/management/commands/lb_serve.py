"""laobao serve: collect static files and serve the app with gunicorn (not Django's development server)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve laobao with gunicorn"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=3)

    def handle(self, *args, host, port, workers, **opts):
        call_command("collectstatic", interactive=False, verbosity=0)
        from gunicorn.app.base import BaseApplication

        from laobao.wsgi import application

        class App(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("accesslog", "-")
                # Path without the query string and no referer: searches carry ID numbers (security.md D7).
                self.cfg.set("access_log_format", '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s')
                self.cfg.set("timeout", 120)

            def load(self):
                return application

        self.stdout.write(f"laobao ({settings.ENV}) serving on http://{host}:{port}/  (Ctrl-C to stop)")
        App().run()
