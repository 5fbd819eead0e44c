"""Rebuild the outcomes summary: of the students changed since the last refresh, or of everyone."""

import time

from django.core.management.base import BaseCommand

from applications import outcome_summary


class Command(BaseCommand):
    help = "Rebuild the outcomes summary of the students changed since the last refresh (--all: of every student)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="rebuild every student's rows")

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["all"]:
            outcome_summary.note_everyone()
        done = outcome_summary.refresh(anew=options["all"])
        self.stdout.write(f"Rebuilt the outcomes of {done} students in {time.monotonic() - started:.1f} s.")
