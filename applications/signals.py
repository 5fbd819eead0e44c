from django.db.backends.signals import connection_created
from django.dispatch import receiver

from opportunities.events import project_cancelled
from payroll.events import payout_paid

from .engagements.services import engagement_mark_paid
from .outcomes import add_sqlite_median
from .services import applications_close_for_cancelled_project


@receiver(project_cancelled, dispatch_uid="applications-project-cancelled")
def tell_applicants_of_cancellation(sender, project, by, **kwargs):
    applications_close_for_cancelled_project(project=project, by=by)


@receiver(payout_paid, dispatch_uid="applications-payout-paid")
def mark_engagement_paid(sender, payout, by, **kwargs):
    if payout.engagement_id is None:  # the student deleted their account; the payout stays
        return
    engagement_mark_paid(engagement_id=payout.engagement_id, by=by)


connection_created.connect(add_sqlite_median, dispatch_uid="applications-sqlite-median")
