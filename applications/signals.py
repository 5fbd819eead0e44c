from django.dispatch import receiver

from opportunities.events import project_cancelled

from .services import applications_close_for_cancelled_project


@receiver(project_cancelled, dispatch_uid="applications-project-cancelled")
def tell_applicants_of_cancellation(sender, project, by, **kwargs):
    applications_close_for_cancelled_project(project=project, by=by)
