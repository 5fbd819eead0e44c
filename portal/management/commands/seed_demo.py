"""Demo data for a laptop: idempotent, and refused when DEBUG is false.

Each app may have a ``demo`` module with ``seed(out)``; they run in dependency order
(portal, opportunities, payroll, applications), so every later feature adds its own data.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.apps_order import app_modules


class Command(BaseCommand):
    help = "Load demo data (idempotent). Refuses to run when DEBUG is false."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run when DEBUG is false: demo accounts have a known password.")
        with transaction.atomic():
            for _app, module in app_modules("demo"):
                module.seed(self.stdout)
        from portal.demo import demo_password

        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/accounts/login/ with:"))
        for email in ("student@demo.test", "employer@demo.test", "staff@demo.test"):
            self.stdout.write(f"  {email}  /  {demo_password()}")
        self.stdout.write(
            f"  staff@demo.test's authenticator app secret (for /admin/): {settings.DEMO_TOTP_SECRET}"
            " (add it to any TOTP app, or: oathtool --totp -b SECRET)"
        )
