"""What applications give to "Download my data" and do on "Delete my account".

The export holds the student's applications as they see them: the answers, the timeline and
the reason when not selected. The employer's private rating and notes are not the student's
to read, so they are not exported; erasure removes them with the applications.
"""

from portal.privacy import export_date

from .completion import privacy as completion_privacy
from .models import Application, ApplicationEvent, Engagement


def export(user):
    applications = (
        Application.objects.filter(student=user)
        .select_related("project__organization")
        .prefetch_related("answers__question", "review_requests")
        .order_by("created_at", "pk")
    )
    events = {}
    for event in ApplicationEvent.objects.filter(application__student=user).order_by("at", "pk"):
        events.setdefault(event.application_id, []).append(
            {"at": export_date(event.at), "from": event.from_label, "to": event.to_label}
        )
    return {
        "applications": [
            {
                "project": application.project.title,
                "organization": application.project.organization.name,
                "status": application.get_status_display(),
                "started_at": export_date(application.created_at),
                "submitted_at": export_date(application.submitted_at),
                "offered_at": export_date(application.offered_at),
                "decided_at": export_date(application.decided_at),
                "reason_not_selected": application.get_reason_display() if application.reason else "",
                "message_from_employer": application.message,
                "answers": [{"question": a.question.text, "answer": a.text} for a in application.answers.all()],
                "career_center_comments": [
                    {
                        "requested_at": export_date(r.requested_at),
                        "answered_at": export_date(r.answered_at),
                        "comments": r.comments,
                    }
                    for r in application.review_requests.all()
                ],
                "timeline": events.get(application.pk, []),
            }
            for application in applications
        ],
        **completion_privacy.export(user),
    }


def erase(user):
    """The applications go, with their answers, trail, reviews and the employers' notes.
    Feedback and surveys stay as anonymous aggregates (``completion.privacy``)."""
    completion_privacy.erase(user)
    # Engagements first (they protect their application); a payout stays, detached, for tax law.
    Engagement.objects.filter(application__student=user).delete()
    Application.objects.filter(student=user).delete()
