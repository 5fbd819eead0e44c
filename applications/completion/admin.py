"""Feedback and surveys for the career center: read-only, with filters and CSV export."""

import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone

from portal.admin_reason import ReadOnlyAdmin, ReadOnlyInline

from .models import Completion, Feedback, FeedbackRating, Survey


def _csv_cell(value):
    """Spreadsheets run cells that start with these as formulas; a quote keeps them text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate():%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return response


def _student(engagement):
    return engagement.application.student.get_full_name() if engagement else "(deleted account)"


class FeedbackRatingInline(ReadOnlyInline):
    model = FeedbackRating
    fields = ["competency", "score"]
    readonly_fields = fields


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["given_at", "student", "project", "organization", "would_work_again", "average"]
    list_filter = ["would_work_again", ("given_at", admin.DateFieldListFilter), "organization"]
    list_select_related = ["organization", "engagement__project", "engagement__application__student", "given_by"]
    search_fields = ["organization__name", "engagement__project__title", "engagement__application__student__email"]
    date_hierarchy = "given_at"
    fields = ["engagement", "organization", "given_by", "given_at", "would_work_again", "comment", "private_note"]
    readonly_fields = fields
    inlines = [FeedbackRatingInline]
    actions = ["export_csv"]

    @admin.display(description="Student")
    def student(self, obj):
        return _student(obj.engagement)

    @admin.display(description="Project")
    def project(self, obj):
        return obj.engagement.project.title if obj.engagement else ""

    @admin.display(description="Average rating")
    def average(self, obj):
        scores = [r.score for r in obj.ratings.all()]
        return round(sum(scores) / len(scores), 1) if scores else ""

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("ratings__competency")

    @admin.action(description="Export selected feedback as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        feedback = list(self.get_queryset(request).filter(pk__in=queryset.values("pk")).order_by("pk"))
        names = sorted({r.competency.name for f in feedback for r in f.ratings.all()})
        header = ["given_at", "student", "project", "organization", "would_work_again", *names, "comment", "note"]
        rows = []
        for f in feedback:
            scores = {r.competency.name: r.score for r in f.ratings.all()}
            rows.append(
                [
                    f.given_at.isoformat(),
                    _student(f.engagement),
                    self.project(f),
                    f.organization.name,
                    f.get_would_work_again_display(),
                    *[scores.get(name, "") for name in names],
                    f.comment,
                    f.private_note,
                ]
            )
        return _csv("feedback", header, rows)


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["submitted_at", "student", "organization", "project_rating", "supervisor_rating", "learned"]
    list_filter = [
        "recommend",
        "learned",
        "project_rating",
        ("submitted_at", admin.DateFieldListFilter),
        "organization",
    ]
    list_select_related = ["organization", "engagement__project", "engagement__application__student"]
    search_fields = ["organization__name", "engagement__project__title", "engagement__application__student__email"]
    date_hierarchy = "submitted_at"
    fields = [
        "engagement",
        "organization",
        "submitted_at",
        "project_rating",
        "supervisor_rating",
        "learned",
        "skills_used",
        "recommend",
        "comment",
    ]
    readonly_fields = fields
    actions = ["export_csv"]

    @admin.display(description="Student")
    def student(self, obj):
        return _student(obj.engagement)

    @admin.action(description="Export selected surveys as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        surveys = queryset.select_related(*self.list_select_related).prefetch_related("skills_used").order_by("pk")
        header = ["submitted_at", "student", "project", "organization", "project_rating", "supervisor_rating"]
        header += ["learned", "skills_used", "recommend", "comment"]
        rows = [
            [
                s.submitted_at.isoformat(),
                _student(s.engagement),
                s.engagement.project.title if s.engagement else "",
                s.organization.name,
                s.project_rating,
                s.supervisor_rating,
                s.get_learned_display(),
                "; ".join(k.name for k in s.skills_used.all()),
                s.get_recommend_display(),
                s.comment,
            ]
            for s in surveys
        ]
        return _csv("surveys", header, rows)


@admin.register(Completion)
class CompletionAdmin(ReadOnlyAdmin):
    list_display = ["engagement", "survey_done_at", "feedback_read_at", "thanks_sent_at", "record_public"]
    list_filter = ["record_public", "reminders_off"]
    list_select_related = ["engagement__project", "engagement__application__student"]
    exclude = ["record_token"]
    readonly_fields = [
        "engagement",
        "survey_done_at",
        "feedback_read_at",
        "resume_updated_at",
        "linkedin_updated_at",
        "stayed_in_touch_at",
        "applied_again_at",
        "reminders_off",
        "thanks_sent_at",
        "record_public",
        "record_shows_work_again",
    ]
