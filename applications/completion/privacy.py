"""After the work, in "Download my data" and "Delete my account".

The export holds the feedback the student received (ratings, comment, "would work with again"),
their survey answers, the checklist and the record settings. The supervisor's private note is
the career center's, not the student's, so it is not exported.

On deletion feedback and surveys stay only as anonymous aggregates: detached from the
engagement (so from the person), without their words; the checklist and the record go.
"""

from .models import Completion, Feedback, Survey


def _date(value):
    return value.isoformat() if value else None


def export(user):
    feedback = (
        Feedback.objects.filter(engagement__application__student=user)
        .select_related("engagement__project__organization")
        .prefetch_related("ratings__competency")
        .order_by("given_at", "pk")
    )
    surveys = (
        Survey.objects.filter(engagement__application__student=user)
        .select_related("engagement__project__organization")
        .prefetch_related("skills_used")
        .order_by("submitted_at", "pk")
    )
    completions = (
        Completion.objects.filter(engagement__application__student=user)
        .select_related("engagement__project__organization")
        .order_by("pk")
    )
    from . import services

    return {
        "feedback_received": [
            {
                "project": f.engagement.project.title,
                "organization": f.engagement.project.organization.name,
                "given_at": _date(f.given_at),
                "ratings": {r.competency.name: r.score for r in f.ratings.all()},
                "comment": f.comment,
                "would_work_again": f.get_would_work_again_display(),
            }
            for f in feedback
        ],
        "survey_answers": [
            {
                "project": s.engagement.project.title,
                "submitted_at": _date(s.submitted_at),
                "project_rating": s.project_rating,
                "supervisor_rating": s.supervisor_rating,
                "learned": s.get_learned_display(),
                "skills_used": [k.name for k in s.skills_used.all()],
                "recommend": s.get_recommend_display(),
                "comment": s.comment,
            }
            for s in surveys
        ],
        "checklists": [
            {
                "project": c.engagement.project.title,
                "items": {i["label"]: i["done"] for i in services.checklist_items(c)},
                "reminders_off": c.reminders_off,
                "thanks_sent_at": _date(c.thanks_sent_at),
            }
            for c in completions
        ],
        "records": [
            {
                "project": c.engagement.project.title,
                "public": c.record_public,
                "url": services.record_url(c),
                "shows_would_work_again": c.record_shows_work_again,
            }
            for c in completions
        ],
    }


def erase(user):
    mine = {"engagement__application__student": user}
    Feedback.objects.filter(**mine).update(engagement=None, comment="", private_note="", given_by=None)
    Survey.objects.filter(**mine).update(engagement=None, comment="")
    Completion.objects.filter(**mine).delete()
