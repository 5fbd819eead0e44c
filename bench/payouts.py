"""``make bench`` (second part): a payroll run of 5,000 payouts, created and exported.

Creates (and drops afterwards) a PostgreSQL database of its own (``portal_bench`` by default;
the name must contain "bench"), bulk-inserts 5,000 students with payroll records (four in five
paid by direct deposit, one in five by check), their verified engagements and approved payouts,
then times the services staff use: the run of every approved payout, the summary, the NACHA
file, the checks file (each export writes its "on its way" emails), and marking the run paid.
Prints the figures.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import DEFAULT_DB, recreate_database  # noqa: E402


def seed(count):
    from django.db import transaction
    from django.utils import timezone

    from applications.models import Application, Engagement
    from opportunities.models import Project
    from payroll.models import CERTIFICATION_VERSION, ContractorRecord, Payout
    from portal.models import Membership, Organization, User

    now = timezone.now()
    with transaction.atomic():
        organization = Organization.objects.create(
            name="Bench payroll", slug="bench-payroll", website="https://bench.example.com", size="small",
            industry="Various", state="MA", status=Organization.Status.VERIFIED,
        )  # fmt: skip
        contact = User.objects.create(email="contact@bench.example", role=User.Role.EMPLOYER, password="!")
        Membership.objects.create(user=contact, organization=organization, role=Membership.Role.OWNER)
        # Ten openings a project at most (a constraint): one project per ten payees.
        projects = Project.objects.bulk_create(
            [
                Project(
                    organization=organization, contact=contact, title=f"Bench project {k}", slug=f"bench-project-{k}",
                    summary="Bench.", description="Bench.", deliverables="Bench.", estimated_hours=10, fee=300,
                    career_path="business", status=Project.Status.PUBLISHED, published_at=now,
                    apply_by=timezone.localdate(), duration_days=14, openings=10,
                )
                for k in range(count // 10 + 1)
            ]
        )  # fmt: skip
        students = User.objects.bulk_create(
            [
                User(email=f"payee{i}@bench.example", role=User.Role.STUDENT, first_name="Payee", last_name=f"N{i}",
                     password="!")
                for i in range(count)
            ],
            batch_size=1000,
        )  # fmt: skip
        records = []
        for i, student in enumerate(students):
            check = i % 5 == 4
            record = ContractorRecord(
                student=student, legal_first_name="Payee", legal_last_name=f"N{i}", address_line1=f"{i} Bench Road",
                city="Boston", state="MA", zip_code="02115", tin_type="ssn",
                payment_method="check" if check else "direct_deposit", routing_number="" if check else "021000021",
                account_type="" if check else "checking", certified_name=f"Payee N{i}", certified_at=now,
                certification_version=CERTIFICATION_VERSION,
            )  # fmt: skip
            record.set_tin(f"{100000000 + i}")
            record.set_account_number("" if check else f"{5550000000 + i}")
            records.append(record)
        records = ContractorRecord.objects.bulk_create(records, batch_size=1000)
        applications = Application.objects.bulk_create(
            [
                Application(project=projects[i // 10], student=s, status="accepted", submitted_at=now)
                for i, s in enumerate(students)
            ],
            batch_size=1000,
        )
        engagements = Engagement.objects.bulk_create(
            [Engagement(application=a, project=a.project, status="completed", completed_at=now) for a in applications],
            batch_size=1000,
        )
        Payout.objects.bulk_create(
            [
                Payout(engagement=e, student=s, contractor=r, amount=300, description=e.project.title,
                       status=Payout.Status.APPROVED, approved_at=now)
                for e, s, r in zip(engagements, students, records, strict=True)
            ],
            batch_size=1000,
        )  # fmt: skip
        staff = User.objects.create(email="payroll@bench.example", is_staff=True, is_superuser=True, password="!")
    return staff


def timed(label, function, figures):
    started = time.perf_counter()
    result = function()
    figures.append((label, time.perf_counter() - started))
    print(f"  {label}: {figures[-1][1]:.2f} s", flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--payouts", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--profile", action="store_true", help="print where the run's creation spends its time")
    args = parser.parse_args()
    if not urlsplit(args.database_url).scheme.startswith("postgres"):
        sys.exit("The bench needs PostgreSQL: set BENCH_DATABASE_URL to a postgres:// URL.")
    from cryptography.fernet import Fernet

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": args.database_url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "LOG_LEVEL": "WARNING",
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
    )
    # The broker, as in production: each email is handed to Celery after commit (no worker runs,
    # so they stay in the outbox and the queue; the database is dropped afterwards).
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    recreate_database(args.database_url)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from payroll.models import PayrollRun
        from payroll.payouts import services

        call_command("migrate", verbosity=0, interactive=False)
        print(f"Seeding {args.payouts:,} approved payouts", flush=True)
        staff = seed(args.payouts)
        figures = []
        print(f"Payroll run of {args.payouts:,} payouts:")
        if args.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            run = profile.runcall(services.run_create, by=staff)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
            return
        run = timed("create the run (every approved payout)", lambda: services.run_create(by=staff), figures)
        timed("export the summary CSV", lambda: services.run_summary(run=run, by=staff), figures)
        queued = "(emails queued as a job)"
        _, nacha = timed(
            f"export the NACHA file {queued}", lambda: services.run_export_nacha(run=run, by=staff), figures
        )
        _, checks = timed(
            f"export the checks CSV {queued}", lambda: services.run_export_checks(run=run, by=staff), figures
        )
        created_and_exported = sum(seconds for _, seconds in figures)
        timed("mark the run paid (engagements paid too)", lambda: services.run_mark_paid(run=run, by=staff), figures)
        run = PayrollRun.objects.get(pk=run.pk)
        lines = nacha.decode().count("\n")
        print(
            f"Created and exported in {created_and_exported:.2f} s; NACHA file {lines} records "
            f"({len(nacha):,} bytes), checks file {checks.decode().count(chr(10)) - 1} rows; run {run.status}."
        )
        connections.close_all()
        from portal.celery import app

        app.control.purge()  # the "on its way" jobs no worker will run: the database is gone
    finally:
        if not args.keep:
            recreate_database(args.database_url, drop_only=True)


if __name__ == "__main__":
    main()
