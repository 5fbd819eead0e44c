"""The outcomes dashboard in the admin, its CSV exports and the student-level CSV.

Only the career center group and superusers open it; anyone else signed in gets 404.
"""

import csv
from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.db.models import BooleanField, Case, Max, Min, Value, When
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.models import Organization, Program, StudentProfile
from portal.permissions import CAREER_CENTER_GROUP

from . import outcomes
from .admin import _csv_cell
from .outcomes import BLANK, BREAKDOWNS, STEPS, SUPPRESSED, Cell, EligibilityGroup, Filters, count_cell


def can_see_outcomes(user):
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=CAREER_CENTER_GROUP).exists()


def _allowed(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not can_see_outcomes(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


class OutcomesFilterForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    program = forms.ModelChoiceField(
        queryset=Program.objects.all(), required=False, empty_label="All programs", label="Program"
    )
    school = forms.ChoiceField(required=False, label="School or college")
    class_year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Class year")
    status = forms.ChoiceField(
        required=False, label="Student status", choices=[("", "All")] + StudentProfile.Status.choices
    )
    eligibility_group = forms.ChoiceField(
        required=False, label="Eligibility basis", choices=[("", "All")] + EligibilityGroup.choices
    )
    size = forms.ChoiceField(
        required=False, label="Organization size", choices=[("", "All")] + Organization.Size.choices
    )
    industry = forms.ChoiceField(required=False, label="Industry")

    def __init__(self, data, **kwargs):
        start, end = outcomes.academic_year()
        data = data.copy()
        data.setdefault("start", start.isoformat())
        data.setdefault("end", end.isoformat())
        super().__init__(data, **kwargs)
        schools = Program.objects.order_by("school").values_list("school", flat=True).distinct()
        self.fields["school"].choices = [("", "All"), *((s, s) for s in schools)]
        # Every class year from the first to the last: two reads of an index, where the distinct
        # years cost a read of every profile's entry (13 ms a page at 100,000 students).
        span = StudentProfile.objects.aggregate(first=Min("graduation_year"), last=Max("graduation_year"))
        years = range(span["first"], span["last"] + 1) if span["first"] is not None else []
        self.fields["class_year"].choices = [("", "All"), *((y, str(y)) for y in years)]
        industries = Organization.objects.order_by("industry").values_list("industry", flat=True).distinct()
        self.fields["industry"].choices = [("", "All"), *((i, i) for i in industries)]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end of the range must be on or after its start.")
        return data

    def filters(self):
        """The filters to count with: the valid ones (the academic year when the dates are not)."""
        default = Filters.default()
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            start=data.get("start") or default.start,
            end=data.get("end") or default.end,
            program=data.get("program"),
            school=data.get("school") or "",
            class_year=data.get("class_year"),
            status=data.get("status") or "",
            eligibility_group=data.get("eligibility_group") or "",
            size=data.get("size") or "",
            industry=data.get("industry") or "",
        )


# Tables: every table has an id (its CSV export), a caption, column headings and rows of cells.

FUNNEL_COLUMNS = []
for _key, _label in STEPS:
    FUNNEL_COLUMNS.append((_key, _label))
    if _key != "profiles":
        FUNNEL_COLUMNS.append((f"{_key}_rate", f"{_label}: % of the step before"))


def _table(table_id, title, first_column, rows, columns, chart=None, note=""):
    return {
        "id": table_id,
        "title": title,
        "headings": [first_column, *(label for _, label in columns)],
        "rows": [{"label": row["label"], "cells": [row["cells"][key] for key, _ in columns]} for row in rows],
        "chart": chart,
        "note": note,
    }


CHART_LABEL_WIDTH, CHART_BAR_WIDTH, CHART_ROW = 220, 260, 30


def bar_chart(title, bars):
    """A horizontal bar chart drawn on the server (SVG), from (label, Cell) pairs; hidden cells
    have no bar and say so."""
    top = max((cell.bar_value for _, cell in bars), default=0) or 1
    rows = []
    for i, (label, cell) in enumerate(bars):
        width = round(CHART_BAR_WIDTH * cell.bar_value / top, 1)
        rows.append(
            {
                "label": label if len(label) <= 30 else label[:29] + "…",
                "y": i * CHART_ROW,
                "text_y": i * CHART_ROW + 19,
                "width": width,
                "value_x": CHART_LABEL_WIDTH + width + 6,
                "display": cell.display,
            }
        )
    return {
        "title": title,
        "rows": rows,
        "height": max(len(rows), 1) * CHART_ROW,
        "label_width": CHART_LABEL_WIDTH,
        "bar_x": CHART_LABEL_WIDTH,
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 110,
    }


def funnel_table(filters, funnel):
    cells = outcomes.funnel(filters, funnel)["cells"]
    rows = [
        {"label": label, "cells": {"students": cells[key], "rate": cells.get(f"{key}_rate", BLANK)}}
        for key, label in STEPS
    ]
    return _table(
        "funnel",
        "The funnel",
        "Step",
        rows,
        [("students", "Students"), ("rate", "% of the step before")],
        chart=bar_chart("Students at each step of the funnel", [(label, cells[key]) for key, label in STEPS]),
    )


EQUITY = ("first_generation", "pell", "eligibility_group")


def breakdown_table(filters, funnel, key):
    title, _, _ = BREAKDOWNS[key]
    rows = outcomes.breakdown(filters, key, funnel)
    measure, measure_label = (
        ("selected_rate", "selected, % of applied") if key in EQUITY else ("applied", "students who applied")
    )
    return _table(
        key,
        title,
        "Group",
        rows,
        FUNNEL_COLUMNS,
        chart=bar_chart(f"{title}: {measure_label}", [(row["label"], row["cells"][measure]) for row in rows]),
        note="A student in two programs counts in each." if key == "program" else "",
    )


def earnings_table(filters, funnel):
    rows = outcomes.breakdown(filters, "program", funnel)
    return _table(
        "earnings_by_program",
        "Earnings by program",
        "Program",
        rows,
        [("paid", "Students paid"), ("earned", "Earnings")],
        chart=bar_chart("Earnings by program", [(row["label"], row["cells"]["earned"]) for row in rows]),
        note="A student in two programs counts in each.",
    )


def rates_table(filters, funnel):
    figures = outcomes.rates(filters, funnel)
    rows = [
        ("Selection rate (applications selected / submitted)", figures["selection_rate"]),
        ("Completion rate (completed / selected)", figures["completion_rate"]),
        ("Median days from submission to the employer's first decision", figures["response_days"]),
        ("Median days from posting to first selection", figures["selection_days"]),
        ("On-time delivery", figures["on_time"]),
        ("Earnings, total", outcomes.funnel(filters, funnel)["cells"]["earned"]),
        ("Earnings, median per student paid", figures["median_earned"]),
    ]
    return _table(
        "rates",
        "Rates, times and earnings",
        "Measure",
        [{"label": label, "cells": {"value": cell}} for label, cell in rows],
        [("value", "Value")],
    )


def ratings_table(filters, funnel):
    ratings = outcomes.competency_ratings(filters)
    return _table(
        "ratings",
        "Supervisor feedback: median rating per competency",
        "Competency",
        [
            {"label": name, "cells": {"median": Cell(median, students, "score"), "students": count_cell(students)}}
            for name, median, students in ratings
        ],
        [("median", "Median rating (1 to 5)"), ("students", "Students rated")],
        note="" if ratings else "No supervisor feedback was given within these dates on these students' work.",
    )


EXPORTS = {
    "funnel": funnel_table,
    **{key: partial(breakdown_table, key=key) for key in BREAKDOWNS},
    "rates": rates_table,
    "earnings_by_program": earnings_table,
    "ratings": ratings_table,
}
PAGE = ["funnel", "program", "class_year", "rates", "earnings_by_program", "ratings"]


def all_tables(filters):
    """Every table of the page: the funnel's one query feeds all the splits."""
    funnel = outcomes.funnel_tables(filters)
    return [EXPORTS[key](filters, funnel) for key in PAGE], [EXPORTS[key](filters, funnel) for key in EQUITY]


def _csv_response(filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def table_csv(table, filters):
    response = _csv_response(f"outcomes-{table['id']}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv")
    writer = csv.writer(response)
    writer.writerow([_csv_cell(h) for h in table["headings"]])
    for row in table["rows"]:
        writer.writerow([_csv_cell(row["label"]), *(_csv_cell(c.display) for c in row["cells"])])
    return response


@never_cache
@require_GET
@_allowed
def dashboard(request):
    form = OutcomesFilterForm(request.GET)
    filters = form.filters()
    export = request.GET.get("export")
    if export:
        if export not in EXPORTS:
            raise Http404
        with outcomes.reading():
            table = EXPORTS[export](filters, outcomes.funnel_tables(filters))
        return table_csv(table, filters)
    with outcomes.reading():
        tables, equity = all_tables(filters)
    query = request.GET.copy()
    query.pop("export", None)
    context = {
        **admin.site.each_context(request),
        "title": "Outcomes",
        "form": form,
        "filters": filters,
        "tables": tables,
        "equity": equity,
        "query": query.urlencode(),
        "suppressed": SUPPRESSED,
        "small_cell": outcomes.SMALL_CELL,
        "student_csv": reverse("outcomes:applications-csv") + ("?" + query.urlencode() if query else ""),
    }
    return TemplateResponse(request, "admin/outcomes/dashboard.html", context)


STUDENT_COLUMNS = [
    "application_id",
    "student_email",
    "student_name",
    "programs",
    "program_as_typed",
    "class_year",
    "student_status",
    "project",
    "organization",
    "organization_size",
    "industry",
    "status",
    "submitted",
    "offered",
    "decided",
    "fee",
    "completed",
    "paid",
]


def _iso(value):
    return value.isoformat() if value else ""


@never_cache
@require_GET
@_allowed
def applications_csv(request):
    """One row per application submitted in the range, for staff; no taxpayer or bank data and no
    private equity answers (those are only ever counted)."""
    form = OutcomesFilterForm(request.GET)
    filters = form.filters()
    start, end = filters.window
    rows = (
        outcomes.applications(filters)
        .filter(outcomes.applied_q(start, end))
        .select_related("student__student_profile", "project__organization")
        .prefetch_related("student__student_profile__programs")
        .annotate(
            is_completed=Case(
                When(outcomes.completed_q(None, None), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            is_paid=Case(
                When(outcomes.paid_q(None, None), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .order_by("pk")
    )
    response = _csv_response(f"outcomes-applications-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv")
    writer = csv.writer(response)
    writer.writerow(STUDENT_COLUMNS)
    sizes = dict(Organization.Size.choices)
    for application in rows.iterator(chunk_size=2000):
        profile = application.student.student_profile
        organization = application.project.organization
        writer.writerow(
            [
                _csv_cell(value)
                for value in [
                    application.pk,
                    application.student.email,
                    application.student.get_full_name(),
                    "; ".join(p.name for p in profile.programs.all()),
                    profile.program,
                    profile.class_year or "",
                    profile.get_status_display() if profile.status else "",
                    application.project.title,
                    organization.name,
                    sizes.get(organization.size, organization.size),
                    organization.industry,
                    application.get_status_display(),
                    _iso(application.submitted_at),
                    _iso(application.offered_at),
                    _iso(application.decided_at),
                    application.project.fee,
                    "yes" if application.is_completed else "no",
                    "yes" if application.is_paid else "no",
                ]
            ]
        )
    return response
